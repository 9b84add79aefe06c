//go:build unix

package echo_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/servers/echo"
)

const (
	loadClients  = 1000
	loadMessages = 100
)

// needFiles makes sure the process may open n file descriptors, raising
// the soft limit to the hard one if needed, or skips the test.
func needFiles(t *testing.T, n uint64) {
	t.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("cannot read the file descriptor limit: %v", err)
	}
	if lim.Cur >= n {
		return
	}
	if lim.Max < n {
		t.Skipf("this test needs %d file descriptors; the hard limit is %d (raise it with ulimit -Hn)", n, lim.Max)
	}
	old := lim.Cur
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("cannot raise the file descriptor limit from %d to %d: %v", old, lim.Max, err)
	}
	t.Cleanup(func() {
		lim.Cur = old
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	})
}

// TestLoad: 1,000 concurrent TCP clients each send 100 distinct messages
// and must get back exactly the bytes they sent; after Close no goroutine
// is left.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	// Two descriptors per connection (client and server side), plus slack.
	needFiles(t, 2*loadClients+200)
	before := runtime.NumGoroutine()
	s, err := echo.Listen(context.Background(), netx.Loopback, "127.0.0.1:0", echo.Config{})
	if err != nil {
		t.Fatal(err)
	}
	addr := s.TCPAddr().String()

	start := make(chan struct{})
	errs := make(chan error, loadClients)
	var wg sync.WaitGroup
	for id := range loadClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs <- client(addr, id)
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			if failed < 5 {
				t.Error(err)
			}
			failed++
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d clients failed", failed, loadClients)
	}
	st := s.Stats()
	if want := int64(loadClients * loadMessages * msgLen); st.TCPBytes != want {
		t.Errorf("server echoed %d bytes, want %d", st.TCPBytes, want)
	}
	if st.TCPConns != loadClients {
		t.Errorf("server accepted %d connections, want %d", st.TCPConns, loadClients)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	waitGoroutines(t, before)
}

const msgLen = 64

// message is client id's message i: distinct in every byte position that
// matters, so a byte echoed to the wrong client or out of place shows.
func message(id, i int) []byte {
	b := fmt.Appendf(nil, "client %04d message %03d ", id, i)
	for len(b) < msgLen-1 {
		b = append(b, byte('a'+(id+i+len(b))%26))
	}
	return append(b, '\n')
}

// client dials, writes its messages one Write each while reading the echo
// back, and compares every byte.
func client(addr string, id int) error {
	var c net.Conn
	var err error
	for try := 0; try < 10; try++ { // a full accept backlog refuses a few dials under load
		c, err = net.DialTimeout("tcp", addr, 10*time.Second)
		if err == nil {
			break
		}
		time.Sleep(time.Duration(try+1) * 20 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("client %d: dial: %w", id, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Minute))
	want := make([]byte, 0, loadMessages*msgLen)
	for i := range loadMessages {
		want = append(want, message(id, i)...)
	}
	werr := make(chan error, 1)
	go func() {
		for i := range loadMessages {
			if _, err := c.Write(want[i*msgLen : (i+1)*msgLen]); err != nil {
				werr <- fmt.Errorf("client %d: write %d: %w", id, i, err)
				return
			}
		}
		werr <- nil
	}()
	got := make([]byte, len(want))
	_, rerr := io.ReadFull(c, got)
	if err := <-werr; err != nil {
		return err
	}
	if rerr != nil {
		return fmt.Errorf("client %d: reading the echo: %w", id, rerr)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && got[i] == want[i] {
			i++
		}
		return fmt.Errorf("client %d: echo differs at byte %d: got %q, want %q", id, i, got[i:min(i+20, len(got))], want[i:min(i+20, len(want))])
	}
	return nil
}
