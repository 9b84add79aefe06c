package getpost_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/netdemo/netdemo/demos/get-post/getpost"
	"github.com/netdemo/netdemo/internal/demo"
)

// startServe runs the demo with --serve on a free port and returns the
// base URL it printed; the server stops when the test ends, and the test
// checks that it did.
func startServe(t *testing.T, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel) // also when the test fails before the server listens
	d := getPost(t)
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := demo.Execute(ctx, d, append([]string{"--serve", "--json", "--addr", "127.0.0.1:0"}, extra...), demo.IO{Out: pw, Err: io.Discard})
		pw.Close()
		done <- err
	}()
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var e map[string]any
			if json.Unmarshal(sc.Bytes(), &e) == nil && e["kind"] == "listening" {
				urlc <- e["url"].(string)
			}
		}
		io.Copy(io.Discard, pr) // keep draining the access log
	}()
	var base string
	select {
	case base = <-urlc:
	case err := <-done:
		t.Fatalf("--serve ended before listening: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("--serve printed no listening event")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("--serve returned %v after cancel, want nil", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("--serve did not stop after cancel")
		}
		if c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://")); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections after --serve stopped", base)
		}
	})
	return base
}

// TestServeTryCommands sends what the printed curl commands send, with Go's
// client, and checks every status.
func TestServeTryCommands(t *testing.T) {
	base := startServe(t)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	for i, c := range getpost.TryCommands {
		req := requestFromCurl(t, c.Argv(base))
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("command %d (%s): %v", i+1, c.Line(base), err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.Want {
			t.Errorf("command %d (%s) = %d, want %d", i+1, c.Line(base), resp.StatusCode, c.Want)
		}
		if i == 1 && resp.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("command 2 (same Idempotency-Key) was not a replay")
		}
	}
}

// requestFromCurl builds the request the curl arguments describe (only the
// options TryCommands uses).
func requestFromCurl(t *testing.T, args []string) *http.Request {
	t.Helper()
	method, url, body := "GET", "", ""
	hdr := http.Header{}
	for i := 0; i < len(args); i++ {
		switch a := args[i]; a {
		case "-i":
		case "-I":
			method = "HEAD"
		case "-X":
			i++
			method = args[i]
		case "-H":
			i++
			k, v, _ := strings.Cut(args[i], ":")
			hdr.Set(k, strings.TrimSpace(v))
		case "-d":
			i++
			body = args[i]
			if method == "GET" {
				method = "POST"
			}
		default:
			url = a
		}
	}
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = hdr
	return req
}

func TestServePortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = demo.Execute(context.Background(), getPost(t), []string{"--serve", "--addr", ln.Addr().String()}, demo.IO{Out: io.Discard, Err: io.Discard})
	want := ln.Addr().String() + " is already in use; pick another with --addr"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("--serve on a busy port: %v, want %q", err, want)
	}
}

// TestServeDataRestart: with --data, an order and its Idempotency-Key
// survive a restart of --serve: the retry is replayed, and the next POST
// gets a new id.
func TestServeDataRestart(t *testing.T) {
	dir := t.TempDir()
	post := func(t *testing.T, base, key string) *http.Response {
		t.Helper()
		req, err := http.NewRequest("POST", base+"/orders", strings.NewReader(`{"item":"book","qty":1}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	t.Run("first server", func(t *testing.T) {
		base := startServe(t, "--data", dir)
		if r := post(t, base, "k1"); r.StatusCode != 201 || r.Header.Get("Location") != "/orders/1" {
			t.Fatalf("first POST = %d %s, want 201 /orders/1", r.StatusCode, r.Header.Get("Location"))
		}
	})
	t.Run("after the restart", func(t *testing.T) {
		base := startServe(t, "--data", dir)
		if r := post(t, base, "k1"); r.Header.Get("Idempotent-Replayed") != "true" || r.Header.Get("Location") != "/orders/1" {
			t.Errorf("retry with k1 after the restart = %d %s replayed %q, want a replay of /orders/1", r.StatusCode, r.Header.Get("Location"), r.Header.Get("Idempotent-Replayed"))
		}
		if r := post(t, base, ""); r.Header.Get("Location") != "/orders/2" {
			t.Errorf("new POST after the restart: Location %s, want /orders/2 (ids never repeat)", r.Header.Get("Location"))
		}
	})
}
