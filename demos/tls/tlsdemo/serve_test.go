package tlsdemo

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
)

// TestServe starts --serve on a free port, talks to it with Go, openssl and
// curl (when installed), then cancels and checks that it stopped.
func TestServe(t *testing.T) {
	Demo.Docs = os.DirFS("..") // internal test: no registry needed
	type up struct{ addr, root string }
	ready := make(chan up, 1)
	serveReady = func(addr, root string) { ready <- up{addr, root} }
	defer func() { serveReady = nil }()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // stops the server when a check below fails the test early
	done := make(chan error, 1)
	var out bytes.Buffer // written before serveReady, read after it
	go func() {
		_, err := demo.Execute(ctx, Demo, []string{"--serve", "--addr", "127.0.0.1:0", "--no-color"}, demo.IO{Out: &out, Err: io.Discard})
		done <- err
	}()
	var s up
	select {
	case s = <-ready:
	case err := <-done:
		t.Fatalf("--serve ended early: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("--serve did not come up")
	}
	_, port, _ := net.SplitHostPort(s.addr)
	for _, want := range []string{"openssl s_client -connect 127.0.0.1:" + port + " -CAfile " + s.root, "curl --cacert " + s.root + " https://localhost:" + port + "/"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--serve output lacks %q:\n%s", want, out.String())
		}
	}

	pemBytes, err := os.ReadFile(s.root)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemBytes)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 10 * time.Second}
	resp, err := c.Get("https://localhost:" + port + "/hello")
	if err != nil {
		t.Fatalf("Go client with the printed root: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "/hello") || resp.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("GET /hello = %d %q (HSTS %q), want 200, the path, and an HSTS header", resp.StatusCode, body, resp.Header.Get("Strict-Transport-Security"))
	}

	t.Run("openssl s_client", func(t *testing.T) {
		openssl, err := exec.LookPath("openssl")
		if err != nil {
			t.Skip("openssl not on PATH: skipping the openssl s_client check (apt-get install openssl)")
		}
		cmd := exec.Command(openssl, "s_client", "-connect", "127.0.0.1:"+port, "-CAfile", s.root, "-verify_hostname", "localhost", "-verify_return_error", "-servername", "localhost")
		cmd.Stdin = strings.NewReader("")
		b, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(b), "Verify return code: 0 (ok)") {
			t.Errorf("openssl s_client: %v, want Verify return code: 0\n%s", err, b)
		}
	})
	t.Run("curl", func(t *testing.T) {
		curl, err := exec.LookPath("curl")
		if err != nil {
			t.Skip("curl not on PATH: skipping the curl check (apt-get install curl)")
		}
		b, err := exec.Command(curl, "-sS", "--max-time", "10", "--cacert", s.root, "https://localhost:"+port+"/").CombinedOutput()
		if err != nil || !strings.Contains(string(b), "hello from the netdemo HTTPS server") {
			t.Errorf("curl --cacert: %v\n%s", err, b)
		}
	})

	t.Run("plain HTTP to the TLS port", func(t *testing.T) {
		c, err := net.DialTimeout("tcp", s.addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
		b, _ := io.ReadAll(c)
		if !strings.HasPrefix(string(b), "HTTP/1.0 400 Bad Request") || !strings.Contains(string(b), "HTTP request to an HTTPS server") {
			t.Errorf("plain HTTP to the HTTPS port got %q, want net/http's 400 saying so", b)
		}
	})

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("--serve returned %v after cancel, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("--serve did not stop after cancel")
	}
	if c, err := net.DialTimeout("tcp", s.addr, time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after --serve stopped", s.addr)
	}
	if _, err := os.Stat(s.root); !os.IsNotExist(err) {
		t.Errorf("root file %s left behind after --serve stopped", s.root)
	}
}

func TestServeAddressInUse(t *testing.T) {
	Demo.Docs = os.DirFS("..")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = demo.Execute(context.Background(), Demo, []string{"--serve", "--addr", ln.Addr().String()}, demo.IO{Out: io.Discard, Err: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "already in use; pick another with --addr") {
		t.Errorf("--serve on a busy port: %v, want the already-in-use message", err)
	}
}
