//go:build linux || darwin

package iomux

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"testing"
	"time"

	"github.com/netdemo/netdemo/demos/io-mux/iomux/echo"
	"github.com/netdemo/netdemo/internal/demo"
)

// TestServe: --serve announces five servers, each echoes, and all of them
// are closed once the context ends.
func TestServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := demo.Execute(ctx, Demo, []string{"--serve", "--addr", "127.0.0.1:0", "--json"}, demo.IO{Out: pw, Err: io.Discard})
		pw.Close()
		done <- err
	}()
	addrs := map[string]string{}
	lines := make(chan map[string]any)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				lines <- m
			}
		}
		close(lines)
	}()
	timeout := time.After(20 * time.Second)
	for len(addrs) < len(echo.Kinds) {
		select {
		case m, ok := <-lines:
			if !ok {
				t.Fatalf("--serve ended after announcing %v: %v", addrs, <-done)
			}
			if m["kind"] == "listening" {
				addrs[m["server"].(string)] = m["addr"].(string)
			}
		case <-timeout:
			t.Fatalf("--serve announced %v within 20s, want all five", addrs)
		}
	}
	go func() {
		for range lines {
		}
	}()
	for k, addr := range addrs {
		c, err := net.DialTimeout("tcp4", addr, 2*time.Second)
		if err != nil {
			t.Fatalf("%s at %s: %v", k, addr, err)
		}
		c.SetDeadline(time.Now().Add(2 * time.Second))
		c.Write([]byte("hello " + k))
		got := make([]byte, len("hello "+k))
		if _, err := io.ReadFull(c, got); err != nil || string(got) != "hello "+k {
			t.Errorf("%s echoed %q, %v", k, got, err)
		}
		c.Close()
	}
	cancel()
	select {
	case err := <-done:
		if err != nil && ctx.Err() == nil {
			t.Errorf("--serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("--serve still running 10s after cancel")
	}
	for k, addr := range addrs {
		if c, err := net.DialTimeout("tcp4", addr, time.Second); err == nil {
			c.Close()
			t.Errorf("%s at %s still accepts connections after --serve ended", k, addr)
		}
	}
}
