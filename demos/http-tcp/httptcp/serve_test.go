package httptcp_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netdemo/netdemo/certs"
	"github.com/netdemo/netdemo/demos"
	"github.com/netdemo/netdemo/internal/child"
	"github.com/netdemo/netdemo/internal/demo"
)

var addrRE = regexp.MustCompile(`(https?)://(127\.0\.0\.1:\d+)`)

// startServe runs --serve on free ports and returns the HTTP and HTTPS
// addresses it printed, its output, and a func that stops it and returns
// its error.
func startServe(t *testing.T, args ...string) (plain, secure string, out *child.Buffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out = &child.Buffer{}
	done := make(chan error, 1)
	go func() {
		_, err := demo.Execute(ctx, demos.Lookup("http-tcp"), append([]string{"--serve", "--addr", "127.0.0.1:0", "--no-color"}, args...), demo.IO{Out: out, Err: io.Discard})
		done <- err
	}()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && (plain == "" || secure == "") {
		for _, m := range addrRE.FindAllStringSubmatch(out.String(), -1) {
			if m[1] == "http" && plain == "" {
				plain = m[2]
			}
			if m[1] == "https" && secure == "" {
				secure = m[2]
			}
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("--serve returned before serving: %v\n%s", err, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if plain == "" || secure == "" {
		cancel()
		t.Fatalf("--serve printed no http:// and https:// addresses in 30 s:\n%s", out.String())
	}
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				err = fmt.Errorf("--serve did not stop within 30 s of cancel")
			}
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return plain, secure, out, stop
}

func TestServe(t *testing.T) {
	plain, secure, out, stop := startServe(t)

	// HTTP/1.1 by hand, the way the printed nc command does it.
	c, err := net.DialTimeout("tcp", plain, 10*time.Second)
	if err != nil {
		t.Fatalf("dialing %s: %v", plain, err)
	}
	c.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	raw, err := io.ReadAll(c)
	c.Close()
	if err != nil {
		t.Fatalf("reading the raw response: %v", err)
	}
	if !bytes.HasPrefix(raw, []byte("HTTP/1.1 200 OK\r\n")) || !bytes.Contains(raw, []byte("HTTP/1.1 over a TCP connection")) {
		t.Errorf("raw GET / answered %q, want a 200 that names HTTP/1.1", raw)
	}

	// h2c with prior knowledge on the same port.
	var h2c http.Protocols
	h2c.SetUnencryptedHTTP2(true)
	resp := get(t, &http.Transport{Protocols: &h2c}, "http://"+plain+"/bytes/10")
	if resp.proto != "HTTP/2.0" || resp.body != "line 0001 " {
		t.Errorf("h2c GET /bytes/10 = %s %q, want HTTP/2.0 \"line 0001 \"", resp.proto, resp.body)
	}

	// HTTPS on the next port: ALPN picks h2.
	p, err := certs.Demo()
	if err != nil {
		t.Fatal(err)
	}
	cfg := p.ClientConfig("localhost")
	var both http.Protocols
	both.SetHTTP1(true)
	both.SetHTTP2(true)
	resp = get(t, &http.Transport{TLSClientConfig: cfg, Protocols: &both}, "https://"+secure+"/")
	if resp.proto != "HTTP/2.0" || resp.alpn != "h2" {
		t.Errorf("HTTPS GET / = %s with ALPN %q, want HTTP/2.0 with h2", resp.proto, resp.alpn)
	}

	// Bad input gets the right status, not a crash.
	for path, want := range map[string]int{"/bytes/-1": 400, "/bytes/x": 400, "/bytes/99999999999": 400, "/nope": 404} {
		if got := get(t, &http.Transport{}, "http://"+plain+path).status; got != want {
			t.Errorf("GET %s = %d, want %d", path, got, want)
		}
	}
	if !strings.Contains(out.String(), "connection #1") {
		t.Errorf("--serve did not log the connections:\n%s", out.String())
	}

	if err := stop(); err != nil {
		t.Fatalf("--serve returned %v after cancel, want nil", err)
	}
	if c, err := net.DialTimeout("tcp", plain, 2*time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after --serve stopped", plain)
	}
}

// TestServeWithCurl runs the commands --serve prints with the real curl.
func TestServeWithCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not on PATH; CI installs it")
	}
	plain, _, _, _ := startServe(t)
	// Two URLs in one curl: the second reuses the connection (0 new connects).
	outb, err := exec.Command(curl, "-sS", "--http1.1", "-o", "/dev/null", "-o", "/dev/null", "-w", "%{http_version} %{num_connects}\n",
		"http://"+plain+"/", "http://"+plain+"/bytes/100").CombinedOutput()
	if err != nil {
		t.Fatalf("curl --http1.1: %v\n%s", err, outb)
	}
	if got, want := strings.Fields(string(outb)), []string{"1.1", "1", "1.1", "0"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("curl --http1.1 twice printed %q, want version and new connections %v (keep-alive reuses the first)", outb, want)
	}

	v, _ := exec.Command(curl, "-V").Output()
	if !regexp.MustCompile(`(?m)^Features:.*\bHTTP2\b`).Match(v) {
		t.Skip("this curl has no HTTP/2 (no nghttp2): --http2-prior-knowledge untested")
	}
	outb, err = exec.Command(curl, "-sS", "--http2-prior-knowledge", "-w", "\n%{http_version}\n", "http://"+plain+"/").CombinedOutput()
	if err != nil {
		t.Fatalf("curl --http2-prior-knowledge: %v\n%s", err, outb)
	}
	sc := bufio.NewScanner(bytes.NewReader(outb))
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) < 2 || !strings.Contains(lines[0], "HTTP/2.0") || lines[len(lines)-1] != "2" {
		t.Errorf("curl --http2-prior-knowledge printed %q, want a body naming HTTP/2.0 and version 2", outb)
	}
}

func TestServePortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = demo.Execute(context.Background(), demos.Lookup("http-tcp"), []string{"--serve", "--addr", ln.Addr().String()}, demo.IO{Out: io.Discard, Err: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "already in use") || !strings.Contains(err.Error(), "--addr") {
		t.Errorf("--serve on a busy port returned %v, want an error saying it is already in use and naming --addr", err)
	}
}

type got struct {
	status      int
	proto, alpn string
	body        string
}

func get(t *testing.T, tr *http.Transport, url string) got {
	t.Helper()
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading %s: %v", url, err)
	}
	g := got{status: resp.StatusCode, proto: resp.Proto, body: string(b)}
	if resp.TLS != nil {
		g.alpn = resp.TLS.NegotiatedProtocol
	}
	return g
}
