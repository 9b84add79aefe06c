//go:build linux

package tcplife

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"
	"time"
)

// lifeChunk is the size of the writes that fill a peer's window.
const lifeChunk = 64 << 10

// watcher polls the kernel for the two ends of one connection and records
// every change of state.
type watcher struct {
	d      *diag
	ends   [2][2]netip.AddrPort // [end]{local, remote}
	start  time.Time
	mu     sync.Mutex
	seen   [2][]stateAt
	gone   [2]time.Duration
	polls  int
	update chan struct{}
}

func (w *watcher) run(ctx context.Context) {
	for ctx.Err() == nil {
		for e := range w.ends {
			s, err := w.d.lookup(w.ends[e][0], w.ends[e][1])
			w.mu.Lock()
			w.polls++
			changed := false
			switch {
			case errors.Is(err, errNoSocket):
				if len(w.seen[e]) > 0 && w.gone[e] == 0 {
					w.gone[e] = time.Since(w.start)
					changed = true
				}
			case err == nil:
				if n := len(w.seen[e]); n == 0 || w.seen[e][n-1].State != s.State {
					w.seen[e] = append(w.seen[e], stateAt{s.State, time.Since(w.start), s.WQueue})
					changed = true
				}
			}
			w.mu.Unlock()
			if changed {
				select {
				case w.update <- struct{}{}:
				default:
				}
			}
		}
		time.Sleep(50 * time.Microsecond)
	}
}

// last is the latest state seen of an end, and whether it has left the table.
func (w *watcher) last(e int) (kstate, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.gone[e] != 0 {
		return 0, true
	}
	if n := len(w.seen[e]); n > 0 {
		return w.seen[e][n-1].State, false
	}
	return 0, false
}

// waitFor waits up to a second until cond holds of what was seen. It
// returns whether it did: a state the kernel never showed is not made up.
func (w *watcher) waitFor(cond func() bool) bool {
	deadline := time.After(time.Second)
	for !cond() {
		select {
		case <-w.update:
		case <-time.After(5 * time.Millisecond):
		case <-deadline:
			return false
		}
	}
	return true
}

const (
	activeEnd  = 0 // the server's socket: it closes first
	passiveEnd = 1 // the client's
)

// observeLife opens one connection on 127.0.0.1 and closes it the long
// way, watching both ends in the kernel's table. Each state is held long
// enough to be seen: FIN_WAIT_1 by a FIN queued behind data the client is
// not yet reading, LAST_ACK likewise the other way. Nothing else is
// arranged: the states and their order are the kernel's.
func observeLife(ctx context.Context) (life, error) {
	d, err := openDiag()
	if err != nil {
		return life{}, err
	}
	defer d.Close()

	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return life{}, fmt.Errorf("listening on 127.0.0.1: %w", err)
	}
	defer ln.Close()
	cli, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		return life{}, fmt.Errorf("connecting to the listener: %w", err)
	}
	defer cli.Close()
	sc, err := ln.Accept()
	if err != nil {
		return life{}, fmt.Errorf("accepting: %w", err)
	}
	defer sc.Close()
	srv, client := sc.(*net.TCPConn), cli.(*net.TCPConn)

	sa, ca := netip.MustParseAddrPort(srv.LocalAddr().String()), netip.MustParseAddrPort(client.LocalAddr().String())
	w := &watcher{d: d, start: time.Now(), update: make(chan struct{}, 1)}
	w.ends[activeEnd] = [2]netip.AddrPort{sa, ca}
	w.ends[passiveEnd] = [2]netip.AddrPort{ca, sa}
	wctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); w.run(wctx) }()
	defer func() { stop(); wg.Wait() }()

	is := func(e int, s kstate) func() bool {
		return func() bool { got, gone := w.last(e); return !gone && got == s }
	}
	w.waitFor(func() bool { return is(activeEnd, kEstablished)() && is(passiveEnd, kEstablished)() })

	// 1. The server fills the client's receive window, then closes its
	// side: the FIN waits behind the data, unacknowledged.
	fill(srv)
	if err := srv.CloseWrite(); err != nil {
		return life{}, fmt.Errorf("shutting down the server's side: %w", err)
	}
	w.waitFor(func() bool { s, gone := w.last(activeEnd); return gone || s != kEstablished })

	// 2. The client reads everything, FIN included: the server's FIN is
	// acknowledged, and the client knows the server is done.
	if _, err := io.Copy(io.Discard, client); err != nil {
		return life{}, fmt.Errorf("client reading to the end: %w", err)
	}
	w.waitFor(func() bool { return is(activeEnd, kFinWait2)() && is(passiveEnd, kCloseWait)() })

	// 3. The client fills the server's window and closes: its FIN waits.
	fill(client)
	if err := client.Close(); err != nil {
		return life{}, fmt.Errorf("closing the client: %w", err)
	}
	w.waitFor(func() bool { s, gone := w.last(passiveEnd); return gone || s != kCloseWait })

	// 4. The server reads everything: the client's FIN arrives, the
	// server acknowledges it and waits in TIME_WAIT; the ACK ends the
	// client's socket.
	if _, err := io.Copy(io.Discard, srv); err != nil {
		return life{}, fmt.Errorf("server reading to the end: %w", err)
	}
	w.waitFor(func() bool { _, gone := w.last(passiveEnd); return gone && is(activeEnd, kTimeWait)() })
	srv.Close()
	stop()
	wg.Wait()

	out := life{Active: w.seen[activeEnd], Passive: w.seen[passiveEnd], PassiveGone: w.gone[passiveEnd], Lookups: w.polls}
	// TIME_WAIT's timer, read once more now that nothing owns the socket
	// but the kernel.
	if n := len(out.Active); n > 0 && out.Active[n-1].State == kTimeWait {
		s, err := d.lookup(sa, ca)
		if err == nil && s.State == kTimeWait {
			out.TimeWaitLeft = time.Duration(s.Expires) * time.Millisecond
			out.TimeWaitTimer = s.Timer
			out.TimeWaitAge = time.Since(w.start) - out.Active[n-1].At
		}
	}
	return out, nil
}

// fill writes until the peer's receive window and the local send buffer
// are full: a write that cannot complete within a short deadline.
func fill(c *net.TCPConn) {
	chunk := make([]byte, lifeChunk)
	c.SetWriteDeadline(time.Now().Add(30 * time.Millisecond))
	defer c.SetWriteDeadline(time.Time{})
	for range 256 { // at most 16 MB, whatever the kernel's buffers
		if _, err := c.Write(chunk); err != nil {
			return
		}
	}
}
