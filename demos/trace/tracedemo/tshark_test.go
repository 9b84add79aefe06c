package tracedemo_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/netdemo/netdemo/internal/demo/demotest"
)

// tshark runs tshark with args and returns its stdout lines, skipping the
// test when tshark is not installed.
func tshark(t *testing.T, args ...string) []string {
	t.Helper()
	path, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark is not installed (apt-get install tshark); skipping the comparison")
	}
	out, err := exec.Command(path, args...).Output()
	if err != nil {
		t.Fatalf("tshark %s: %v", strings.Join(args, " "), err)
	}
	s := strings.TrimSpace(string(out))
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// tsharkAgrees lets tshark count a lossy capture: the same packets, and
// the same retransmissions and duplicate ACKs as tshark's expert analysis
// (the issue allows 10%; on a capture this small that means equal). One
// tshark run prints, per packet, whether each expert flag is set.
func tsharkAgrees(t *testing.T, o *demotest.Output, pcap string) {
	lines := tshark(t, "-r", pcap, "-T", "fields", "-E", "separator=/t",
		"-e", "frame.number", "-e", "tcp.analysis.retransmission", "-e", "tcp.analysis.duplicate_ack")
	var retrans, dups int
	for _, l := range lines {
		f := strings.Split(l, "\t")
		if len(f) >= 2 && f[1] != "" {
			retrans++
		}
		if len(f) >= 3 && f[2] != "" {
			dups++
		}
	}
	for _, c := range []struct {
		what  string
		field string
		got   int
	}{{"packets", "packets", len(lines)}, {"retransmissions", "retransmissions", retrans}, {"duplicate ACKs", "dup_acks", dups}} {
		if want := int(o.Num(t, c.field)); c.got != want {
			t.Errorf("%s: tshark counts %d, the demo %d", c.what, c.got, want)
		}
	}
}

// tsharkDecrypts: with --tls, the key log written beside the pcap lets
// tshark read the HTTP requests inside the TLS records.
func tsharkDecrypts(t *testing.T, o *demotest.Output, pcap string) {
	keylog := pcap + ".keylog"
	if b, err := os.ReadFile(keylog); err != nil || !strings.Contains(string(b), "CLIENT_TRAFFIC_SECRET_0") {
		t.Fatalf("key log %s: %v, want NSS lines with CLIENT_TRAFFIC_SECRET_0", keylog, err)
	}
	// Without the key log: every packet, and no HTTP in any of them.
	plain := tshark(t, "-r", pcap, "-T", "fields", "-e", "frame.number", "-e", "http.request.method")
	if got, want := len(plain), int(o.Num(t, "packets")); got != want {
		t.Errorf("tshark counts %d packets, the demo %d", got, want)
	}
	for _, l := range plain {
		if f := strings.Fields(l); len(f) > 1 {
			t.Errorf("without the key log tshark sees an HTTP request (%q): the capture is not encrypted", l)
		}
	}
	http := strings.Join(tshark(t, "-r", pcap, "-o", "tls.keylog_file:"+keylog, "-Y", "http"), "\n")
	for _, want := range []string{"GET / HTTP/1.1", "POST /form HTTP/1.1", "HTTP/1.1 200 OK"} {
		if !strings.Contains(http, want) {
			t.Errorf("tshark with the key log does not show %q; it shows:\n%s", want, http)
		}
	}
}
