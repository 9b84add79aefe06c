package quicdemo_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/quic-go/quic-go/http3"

	"github.com/netdemo/netdemo/demos"
	"github.com/netdemo/netdemo/internal/demo"
)

// TestServe starts --serve on a free port, fetches / over HTTPS (checking
// the Alt-Svc header that points to HTTP/3) and over HTTP/3 with the root
// the demo wrote, then stops it and checks that the port is closed.
func TestServe(t *testing.T) {
	t.Setenv("QUIC_GO_DISABLE_RECEIVE_BUFFER_WARNING", "true")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := demo.Execute(ctx, demos.Lookup("quic"), []string{"--json", "--serve", "--addr", "127.0.0.1:0"}, demo.IO{Out: pw, Err: io.Discard})
		pw.Close()
		done <- err
	}()
	listening := make(chan map[string]any, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var e map[string]any
			if json.Unmarshal(sc.Bytes(), &e) == nil && e["kind"] == "listening" {
				listening <- e
			}
		}
	}()
	var ev map[string]any
	select {
	case ev = <-listening:
	case err := <-done:
		t.Fatalf("--serve ended before listening: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("--serve printed no listening event within 30 s")
	}
	addr := strings.TrimSuffix(ev["https"].(string), "/tcp")
	if h3 := strings.TrimSuffix(ev["h3"].(string), "/udp"); h3 != addr {
		t.Errorf("HTTP/3 on %s and HTTPS on %s, want the same port", h3, addr)
	}
	pem, err := os.ReadFile(ev["root"].(string))
	if err != nil {
		t.Fatalf("reading the root the demo wrote: %v", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		t.Fatalf("the root file holds no certificate")
	}
	_, port, _ := net.SplitHostPort(addr)
	url := "https://" + addr + "/"

	tcp := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: true}
	defer tcp.CloseIdleConnections()
	resp := get(t, &http.Client{Transport: tcp, Timeout: 20 * time.Second}, url)
	if want := `h3=":` + port + `"; ma=3600`; resp.Header.Get("Alt-Svc") != want || resp.Proto != "HTTP/2.0" {
		t.Errorf("over TCP: %s with Alt-Svc %q, want HTTP/2.0 with %q", resp.Proto, resp.Header.Get("Alt-Svc"), want)
	}

	h3 := &http3.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	defer h3.Close()
	resp = get(t, &http.Client{Transport: h3, Timeout: 20 * time.Second}, url)
	if resp.Proto != "HTTP/3.0" {
		t.Errorf("over QUIC: %s, want HTTP/3.0", resp.Proto)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("--serve returned %v after Ctrl-C, want nil", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("--serve did not stop within 30 s of cancel")
	}
	if c, err := net.DialTimeout("tcp", addr, 5*time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after --serve stopped", addr)
	}
}

func get(t *testing.T, c *http.Client, url string) *http.Response {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), "hello over ") {
		t.Fatalf("GET %s: %d %q %v, want 200 hello", url, resp.StatusCode, body, err)
	}
	return resp
}

// TestServePortInUse checks the one-line advice when the UDP port is taken.
func TestServePortInUse(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = demo.Execute(ctx, demos.Lookup("quic"), []string{"--json", "--serve", "--addr", pc.LocalAddr().String()}, demo.IO{Out: io.Discard, Err: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "already in use") || !strings.Contains(err.Error(), "--addr") {
		t.Errorf("--serve on a taken port: %v, want an error saying it is already in use and to pick another with --addr", err)
	}
}
