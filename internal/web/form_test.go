package web

import (
	"net"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/netdemo/netdemo/internal/demo"
)

func TestFormFields(t *testing.T) {
	var cleaned atomic.Int32
	var names []string
	for _, f := range formFields(fakeDemo(&cleaned)) {
		names = append(names, f.Name)
	}
	got := strings.Join(names, " ")
	if !strings.HasPrefix(got, "seed rtt loss") {
		t.Errorf("fields %q: want the common lab flags first", got)
	}
	for _, want := range []string{"messages", "gap", "hold", "big"} {
		if !strings.Contains(" "+got+" ", " "+want+" ") {
			t.Errorf("fields %q lack --%s", got, want)
		}
	}
	for _, bad := range []string{"pcap", "json", "keylog", "lang", "step", "no-color"} {
		if strings.Contains(" "+got+" ", " "+bad+" ") {
			t.Errorf("fields %q offer --%s", got, bad)
		}
	}
}

// FuzzStartArgs: whatever a start request holds, the parsed options never
// write a file, serve, or change the output format.
func FuzzStartArgs(f *testing.F) {
	f.Add("loss", "0.1", "en")
	f.Add("pcap=/tmp/x", "1", "zh")
	f.Add("seed", "-3", "en")
	f.Add("messages", "--pcap=/tmp/x", "en")
	f.Add("keylog", "/tmp/k", "fr")
	var cleaned atomic.Int32
	d := fakeDemo(&cleaned)
	f.Fuzz(func(t *testing.T, name, value, lang string) {
		args, err := startArgs(d, lang, map[string]string{name: value, "seed": "2"})
		if err != nil {
			return
		}
		o, err := demo.Parse(d, args)
		if err != nil {
			return
		}
		if o.Pcap != "" || o.JSON || o.Serve || o.Step {
			t.Fatalf("start flags {%q: %q} gave options %+v (args %q)", name, value, o, args)
		}
		if o.Lang != "en" && o.Lang != "zh" {
			t.Fatalf("lang %q", o.Lang)
		}
	})
}

// FuzzAllowedHost: only an IP address or localhost passes, so a page
// under any other name (DNS rebinding) is refused.
func FuzzAllowedHost(f *testing.F) {
	for _, h := range []string{"127.0.0.1:8808", "localhost", "[::1]:1", "evil.example:8808", "127.0.0.1.nip.io", "LOCALHOST:1", "0x7f000001"} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, hostport string) {
		if !allowedHost(hostport) {
			return
		}
		host := hostport
		if h, _, err := net.SplitHostPort(hostport); err == nil {
			host = h
		}
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
		if !strings.EqualFold(host, "localhost") && net.ParseIP(host) == nil {
			t.Fatalf("allowedHost(%q) = true for host %q", hostport, host)
		}
		sameOrigin("http://"+hostport, hostport)
	})
}
