package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestWebUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"web", "--addr", "nope"}, `netdemo: --addr must be host:port, got "nope"`},
		{[]string{"web", "--addr", "127.0.0.1:99999"}, `netdemo: --addr port must be 0 to 65535`},
		{[]string{"web", "--lang", "fr"}, `netdemo: --lang must be en or zh, got "fr"`},
		{[]string{"web", "extra"}, `netdemo: web takes no arguments, got "extra"`},
		{[]string{"web", "--bogus"}, `netdemo: web: flag provided but not defined: -bogus`},
	} {
		_, stderr, code := netdemo(t, tt.args...)
		if code != 2 || !strings.HasPrefix(stderr, tt.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("netdemo %v: exit %d, stderr %q; want 2 and one line starting %q", tt.args, code, stderr, tt.want)
		}
	}
}

// startWeb runs `netdemo web` and returns the URL it printed and its
// stderr so far.
func startWeb(t *testing.T, args ...string) (cmd *exec.Cmd, url string, stderr *syncBuffer) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("stops the server with an interrupt signal")
	}
	cmd = exec.Command(binary, append([]string{"web"}, args...)...)
	cmd.Env = append(os.Environ(), "LANG=en_US.UTF-8", "LC_ALL=", "LC_MESSAGES=")
	stderr = &syncBuffer{}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	select {
	case l := <-lines:
		const prefix = "netdemo web: open "
		if !strings.HasPrefix(l, prefix) || !strings.Contains(l, "/?token=") {
			t.Fatalf("first line %q, want %q followed by the URL with its token", l, prefix)
		}
		url = strings.TrimPrefix(l, prefix)
	case <-time.After(20 * time.Second):
		t.Fatal("netdemo web printed no URL")
	}
	go func() {
		for range lines {
		}
	}()
	return cmd, url, stderr
}

// syncBuffer is a buffer the command writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestWebServesAndStops(t *testing.T) {
	cmd, url, stderr := startWeb(t, "--addr", "127.0.0.1:0")
	base, token, _ := strings.Cut(url, "/?token=")
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `data-demo="tcp-udp"`) || resp.Header.Get("Content-Security-Policy") == "" {
		t.Fatalf("GET / = %d (CSP %q)", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	// A bad flag from the page gets the command line's message.
	req, _ := http.NewRequest("POST", base+"/api/runs", strings.NewReader(`{"demo":"tcp-udp","flags":{"loss":"2"}}`))
	req.Header.Set("X-Netdemo-Token", token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(b), "netdemo: --loss must be between 0 and 1, got 2") {
		t.Errorf("start with --loss 2 = %d %s", resp.StatusCode, b)
	}
	if strings.Contains(stderr.String(), "warning") {
		t.Errorf("a loopback server warned: %s", stderr)
	}
	cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("netdemo web after Ctrl-C: %v (stderr %s)", err, stderr)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("netdemo web did not stop on Ctrl-C")
	}
}

func TestWebWarnsBeyondLoopback(t *testing.T) {
	_, _, stderr := startWeb(t, "--addr", "0.0.0.0:0")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(stderr.String(), "warning") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(stderr.String(), "netdemo web: warning: listening on 0.0.0.0:") {
		t.Errorf("stderr %q, want the warning for a non-loopback address", stderr)
	}
}
