package lab

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"
)

func TestHTTP(t *testing.T) {
	l := newTestLab(t, Config{Link: Link{RTT: 10 * time.Millisecond}})
	ln, err := l.Server().Listen(context.Background(), "tcp", ":80")
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello from "+r.Host)
	})}
	go srv.Serve(ln)
	defer srv.Close()

	tr := &http.Transport{DialContext: l.Client().Dial}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	resp, err := client.Get("http://server.test/")
	if err != nil {
		t.Fatalf("GET http://server.test/: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || string(body) != "hello from server.test" {
		t.Fatalf("GET http://server.test/ = %q, %v; want \"hello from server.test\"", body, err)
	}
}
