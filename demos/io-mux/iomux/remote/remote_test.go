//go:build linux || darwin

package remote

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netdemo/netdemo/demos/io-mux/iomux/echo"
	"github.com/netdemo/netdemo/demos/io-mux/iomux/proc"
	"github.com/netdemo/netdemo/internal/child"
)

func TestMain(m *testing.M) {
	child.Dispatch()
	proc.RaiseNoFile()
	os.Exit(m.Run())
}

// TestThousandClients: every server, in its own process, echoes 1,000
// concurrent clients byte for byte, and afterwards holds exactly the
// descriptors it held before the first one.
func TestThousandClients(t *testing.T) {
	const clients = 1000
	for _, k := range echo.Kinds {
		t.Run(string(k), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			srv, err := Start(ctx, k, echo.Config{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Stop()
			start := make(chan struct{})
			var wg sync.WaitGroup
			errs := make(chan error, clients)
			for i := range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c, err := net.DialTimeout("tcp4", srv.Addr, 10*time.Second)
					if err != nil {
						errs <- err
						return
					}
					defer c.Close()
					msg := make([]byte, 1+(i*7919)%6000)
					for j := range msg {
						msg[j] = byte(i*31 + j)
					}
					<-start
					c.SetDeadline(time.Now().Add(30 * time.Second))
					werr := make(chan error, 1)
					go func() { _, err := c.Write(msg); werr <- err }()
					got := make([]byte, len(msg))
					if _, err := io.ReadFull(c, got); err != nil {
						errs <- fmt.Errorf("client %d: %w", i, err)
						return
					}
					if err := <-werr; err != nil {
						errs <- fmt.Errorf("client %d: %w", i, err)
						return
					}
					if !bytes.Equal(got, msg) {
						errs <- fmt.Errorf("client %d: the echo of %d bytes differs", i, len(msg))
					}
				}()
			}
			close(start)
			wg.Wait()
			close(errs)
			n := 0
			for err := range errs {
				if n++; n <= 5 {
					t.Error(err)
				}
			}
			if n > 5 {
				t.Errorf("… %d clients failed in all", n)
			}
			// Every client has closed; the server must get back to
			// the descriptors it started with.
			deadline := time.Now().Add(5 * time.Second)
			for {
				snap, err := srv.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				if snap.Conns == 0 && snap.FDs == srv.Hello.FDs {
					if snap.Accepted != clients {
						t.Errorf("accepted %d connections, want %d", snap.Accepted, clients)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after all clients closed: %d connections, %d descriptors open; %d at start", snap.Conns, snap.FDs, srv.Hello.FDs)
				}
				time.Sleep(5 * time.Millisecond)
			}
			final, err := srv.Stop()
			if err != nil {
				t.Fatal(err)
			}
			// After Close only what the process had before Listen stays:
			// stdio and the runtime's own descriptors.
			if final.FDs >= srv.Hello.FDs {
				t.Errorf("after Close %d descriptors open, with the server listening %d: Close left some open", final.FDs, srv.Hello.FDs)
			}
		})
	}
}

// TestMeasure: a phase's numbers are consistent with the model: select and
// poll examine every descriptor per wake-up, epoll only ready ones.
func TestMeasure(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	scanned := map[echo.Kind]float64{}
	for _, k := range []echo.Kind{echo.Select, echo.Epoll, echo.Threads} {
		srv, err := Start(ctx, k, echo.Config{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		cl := NewClients(srv.Addr)
		ph, err := Measure(ctx, srv, cl, 300, 4, 50)
		cl.Close()
		srv.Stop()
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if ph.Requests != 200 || ph.P50 <= 0 || ph.P99 < ph.P50 {
			t.Errorf("%s: %d requests, p50 %v, p99 %v", k, ph.Requests, ph.P50, ph.P99)
		}
		scanned[k] = ph.ScannedPerWake()
		if k == echo.Threads && ph.Threads < 300 {
			t.Errorf("threads: %d OS threads with 300 connections open", ph.Threads)
		}
	}
	if scanned[echo.Select] < 300 {
		t.Errorf("select examined %.1f descriptors per wake-up with 300 open, want ≥ 300", scanned[echo.Select])
	}
	if scanned[echo.Epoll] > 10 {
		t.Errorf("epoll examined %.1f descriptors per wake-up with 4 active, want few", scanned[echo.Epoll])
	}
	if scanned[echo.Threads] != 1 {
		t.Errorf("a thread examined %.1f descriptors per wake-up, want 1", scanned[echo.Threads])
	}
}

// TestServerDies: a thread-per-connection server that may not create the
// threads it needs dies, and the parent learns why instead of hanging.
func TestServerDies(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv, err := Start(ctx, echo.Threads, echo.Config{}, 40)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	cl := NewClients(srv.Addr)
	defer cl.Close()
	if _, err := Measure(ctx, srv, cl, 100, 2, 10); err == nil {
		t.Fatal("a server limited to 40 threads served 100 connections, one thread each")
	}
	deadline := time.Now().Add(5 * time.Second)
	for !srv.Exited() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !srv.Exited() {
		t.Fatal("the server process is still running")
	}
	if got := srv.Died(); !strings.Contains(got, "thread") {
		t.Errorf("Died() = %q, want the runtime's message about threads", got)
	}
}
