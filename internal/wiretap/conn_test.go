package wiretap_test

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/netx"

	"github.com/netdemo/netdemo/internal/wiretap"
)

// pair returns both ends of a real TCP connection on loopback.
func pair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listening on loopback: %v", err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("dialing %s: %v", ln.Addr(), err)
	}
	server, ok := <-accepted
	if !ok {
		t.Fatal("accepting the connection failed")
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// TestRecordsBothEnds runs one request and reply over loopback TCP with a
// tap on each end: each end sees the same bytes, with the directions
// named from the client's point of view on both.
func TestRecordsBothEnds(t *testing.T) {
	rawC, rawS := pair(t)
	c, s := wiretap.Client(rawC), wiretap.Server(rawS)

	done := make(chan error, 1)
	go func() {
		buf := make([]byte, len("GET /\r\n"))
		if _, err := io.ReadFull(s, buf); err != nil {
			done <- fmt.Errorf("server reading: %w", err)
			return
		}
		_, err := s.Write([]byte("200 OK\r\n"))
		done <- err
	}()

	req := []byte("GET /\r\n")
	if _, err := c.Write(req[:4]); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write(req[4:]); err != nil {
		t.Fatal(err)
	}
	req[0] = 'X' // the recording must be a copy, not the caller's buffer
	reply := make([]byte, len("200 OK\r\n"))
	if _, err := io.ReadFull(c, reply); err != nil {
		t.Fatalf("client reading: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	for _, end := range []struct {
		name string
		tap  *wiretap.Conn
		// writes is how many Write calls that end made.
		writes int
	}{{"client", c, 2}, {"server", s, 1}} {
		if got, want := string(end.tap.Bytes(netx.ClientToServer)), "GET /\r\n"; got != want {
			t.Errorf("%s: Bytes(C→S) = %q, want %q", end.name, got, want)
		}
		if got, want := string(end.tap.Bytes(netx.ServerToClient)), "200 OK\r\n"; got != want {
			t.Errorf("%s: Bytes(S→C) = %q, want %q", end.name, got, want)
		}
		if got := end.tap.Writes(); got != end.writes {
			t.Errorf("%s: Writes() = %d, want %d", end.name, got, end.writes)
		}
		chunks := end.tap.Chunks()
		if len(chunks) == 0 || chunks[0].Dir != netx.ClientToServer || chunks[len(chunks)-1].Dir != netx.ServerToClient {
			t.Errorf("%s: chunks %v, want the request's chunks first and the reply's last", end.name, chunks)
		}
		for i, ch := range chunks {
			if ch.Seq != i {
				t.Errorf("%s: chunk %d has Seq %d, want %d", end.name, i, ch.Seq, i)
			}
			if i > 0 && ch.At < chunks[i-1].At {
				t.Errorf("%s: chunk %d At %v is before chunk %d's %v", end.name, i, ch.At, i-1, chunks[i-1].At)
			}
		}
	}
}

func TestChunksReturnsACopy(t *testing.T) {
	rawC, _ := pair(t)
	c := wiretap.Client(rawC)
	if _, err := c.Write([]byte("abc")); err != nil {
		t.Fatal(err)
	}
	got := c.Chunks()
	got[0].Data[0] = 'X'
	got[0].Dir = netx.ServerToClient
	if again := c.Chunks(); string(again[0].Data) != "abc" || again[0].Dir != netx.ClientToServer {
		t.Errorf("after changing the result of Chunks, Chunks()[0] = %v %q, want C→S \"abc\"", again[0].Dir, again[0].Data)
	}
}

// TestConcurrent reads and writes on both ends at once; -race checks the
// locking, and every byte must be recorded exactly once, in order per
// direction.
func TestConcurrent(t *testing.T) {
	rawC, rawS := pair(t)
	// A failed write would leave the reads below waiting for bytes that
	// never come: the deadlines turn that into a failure, not a hang.
	rawC.SetDeadline(time.Now().Add(30 * time.Second))
	rawS.SetDeadline(time.Now().Add(30 * time.Second))
	c, s := wiretap.Client(rawC), wiretap.Server(rawS)
	const writers, each = 4, 200
	payload := func(w, i int) []byte { return []byte(fmt.Sprintf("[%d:%03d]", w, i)) }
	total := writers * each * len(payload(0, 0))

	var wg sync.WaitGroup
	echoErr := make(chan error, 1)
	go func() { // the server echoes everything back
		_, err := io.CopyN(s, s, int64(total))
		echoErr <- err
	}()
	var writeMu sync.Mutex // whole messages, so they stay readable in the stream
	writeErr := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				writeMu.Lock()
				_, err := c.Write(payload(w, i))
				writeMu.Unlock()
				if err != nil {
					writeErr <- fmt.Errorf("writer %d, message %d: %w", w, i, err)
					return
				}
				c.Chunks() // asking while others write must be safe
			}
		}()
	}
	got, err := io.ReadAll(io.LimitReader(c, int64(total)))
	wg.Wait()
	close(writeErr)
	for err := range writeErr {
		t.Errorf("writing: %v", err)
	}
	if err != nil {
		t.Fatalf("reading the echo: %v", err)
	}
	if err := <-echoErr; err != nil {
		t.Fatalf("server echoing: %v", err)
	}
	if len(got) != total {
		t.Fatalf("read %d bytes of echo, want %d", len(got), total)
	}
	sent := c.Bytes(netx.ClientToServer)
	for _, check := range []struct {
		what string
		b    []byte
	}{
		{"client's record of what it sent", sent},
		{"client's record of what it received", c.Bytes(netx.ServerToClient)},
		{"server's record of what it received", s.Bytes(netx.ClientToServer)},
		{"server's record of what it sent", s.Bytes(netx.ServerToClient)},
	} {
		if !bytes.Equal(check.b, got) {
			t.Errorf("%s: %d bytes, want the %d bytes that crossed the connection", check.what, len(check.b), len(got))
		}
	}
	if n := c.Writes(); n != writers*each {
		t.Errorf("Writes() = %d, want %d", n, writers*each)
	}
}

// shortConn accepts only the first n bytes of every write.
type shortConn struct {
	net.Conn
	n int
}

func (s shortConn) Write(p []byte) (int, error) {
	if len(p) > s.n {
		return s.n, errors.New("short write")
	}
	return len(p), nil
}

func TestShortWriteRecordsWhatWasWritten(t *testing.T) {
	for _, tt := range []struct {
		desc   string
		accept int
		write  string
		want   string
		chunks int
	}{
		{"all written", 10, "hello", "hello", 1},
		{"cut short", 2, "hello", "he", 1},
		{"nothing written", 0, "hello", "", 0},
	} {
		rawC, _ := pair(t)
		c := wiretap.Client(shortConn{Conn: rawC, n: tt.accept})
		n, _ := c.Write([]byte(tt.write))
		if got := string(c.Bytes(netx.ClientToServer)); got != tt.want || n != len(tt.want) {
			t.Errorf("%s: Write(%q) = %d, recorded %q; want %d and %q", tt.desc, tt.write, n, got, len(tt.want), tt.want)
		}
		if got := len(c.Chunks()); got != tt.chunks {
			t.Errorf("%s: %d chunk(s) recorded, want %d", tt.desc, got, tt.chunks)
		}
		if got := c.Writes(); got != 1 {
			t.Errorf("%s: Writes() = %d, want 1 (a failed write still counts as a call)", tt.desc, got)
		}
	}
}

func TestClosed(t *testing.T) {
	rawC, _ := pair(t)
	c := wiretap.Client(rawC)
	select {
	case <-c.Closed():
		t.Fatal("Closed() is closed before Close was called")
	default:
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	c.Close() // a second Close must not panic
	select {
	case <-c.Closed():
	case <-time.After(10 * time.Second):
		t.Fatal("Closed() not closed after Close")
	}
	if _, err := rawC.Write([]byte("x")); err == nil {
		t.Error("writing to the wrapped connection after Close succeeded, want it closed")
	}
}

// TestNoConnectionState guards the property net/http relies on to serve
// h2c over a connection whose TLS was terminated below the tap.
func TestNoConnectionState(t *testing.T) {
	rawC, _ := pair(t)
	tc := tls.Client(rawC, &tls.Config{InsecureSkipVerify: true})
	var conn net.Conn = wiretap.Server(tc)
	if _, ok := conn.(interface{ ConnectionState() tls.ConnectionState }); ok {
		t.Error("a wiretap.Conn around a *tls.Conn has a ConnectionState method; want none, so net/http sees cleartext")
	}
}
