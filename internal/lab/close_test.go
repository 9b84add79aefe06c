package lab

import (
	"context"
	"runtime"
	"testing"
	"time"
)

// TestCloseUnblocksAndLeaksNothing blocks an Accept, a TCP Read and a UDP
// ReadFrom, closes the lab, and checks they all return and that the number
// of goroutines goes back to where it was.
func TestCloseUnblocksAndLeaksNothing(t *testing.T) {
	before := runtime.NumGoroutine()

	l, err := New(Config{Link: Link{RTT: 10 * time.Millisecond, Jitter: time.Millisecond}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx := context.Background()
	ln, err := l.Server().Listen(ctx, "tcp", ":0")
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	idle, err := l.Server().Listen(ctx, "tcp", ":0") // nobody will ever dial it
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	pc, err := l.Client().ListenPacket(ctx, "udp", ":0")
	if err != nil {
		t.Fatalf("ListenPacket: %v", err)
	}
	c, err := l.Client().Dial(ctx, "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	sc, err := ln.Accept()
	if err != nil {
		t.Fatalf("Accept: %v", err)
	}
	if _, err := c.Write(make([]byte, 100_000)); err != nil { // frames in flight when Close comes
		t.Fatalf("Write: %v", err)
	}

	blocked := map[string]func() error{
		"Accept":   func() error { _, err := idle.Accept(); return err },
		"Read":     func() error { _, err := c.Read(make([]byte, 10)); return err },
		"ReadFrom": func() error { _, _, err := pc.ReadFrom(make([]byte, 10)); return err },
	}
	returned := make(chan string, len(blocked))
	for name, call := range blocked {
		go func() {
			call()
			returned <- name
		}()
	}
	time.Sleep(20 * time.Millisecond) // let them block
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for range blocked {
		select {
		case <-returned:
		case <-time.After(5 * time.Second):
			t.Fatalf("a blocked call did not return after Close")
		}
	}
	if _, err := l.Client().Dial(ctx, "tcp", ln.Addr().String()); err == nil {
		t.Errorf("Dial after Close succeeded, want an error")
	}
	sc.Close()

	var now int
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if now = runtime.NumGoroutine(); now <= before {
			return
		}
	}
	buf := make([]byte, 1<<20)
	t.Errorf("%d goroutines before New, %d five seconds after Close, want no more than before; they are:\n%s",
		before, now, buf[:runtime.Stack(buf, true)])
}
