package remote

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"time"
)

// Clients are the open connections to one server. The first few are the
// active ones; the rest stay open and idle, which is the point: a server
// pays for its idle connections differently in each model.
type Clients struct {
	addr  string
	conns []net.Conn
}

// NewClients prepares clients of the server at addr.
func NewClients(addr string) *Clients { return &Clients{addr: addr} }

// Grow opens connections until n are open, four dials at a time.
func (c *Clients) Grow(ctx context.Context, n int) error {
	need := n - len(c.conns)
	if need <= 0 {
		return nil
	}
	fresh := make([]net.Conn, need)
	errs := make([]error, 4)
	var wg sync.WaitGroup
	var d net.Dialer
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < need; i += 4 {
				dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				conn, err := d.DialContext(dctx, "tcp4", c.addr)
				cancel()
				if err != nil {
					errs[w] = err
					return
				}
				fresh[i] = conn
			}
		}()
	}
	wg.Wait()
	for _, conn := range fresh {
		if conn != nil {
			c.conns = append(c.conns, conn)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("opening connection %d of %d: %w", len(c.conns)+1, n, err)
	}
	return nil
}

// Close closes every connection.
func (c *Clients) Close() {
	for _, conn := range c.conns {
		conn.Close()
	}
	c.conns = nil
}

// MessageSize is the size of one request: small, like most requests.
const MessageSize = 64

// Requests has the first active connections make requests round trips
// each, all at once: write a message, read it back, check it byte for byte.
// It returns every round trip's latency.
func (c *Clients) Requests(ctx context.Context, active, requests int) ([]time.Duration, error) {
	active = min(active, len(c.conns))
	lat := make([][]time.Duration, active)
	errs := make([]error, active)
	var wg sync.WaitGroup
	for i := range active {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat[i], errs[i] = roundTrips(ctx, c.conns[i], i, requests)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return slices.Concat(lat...), nil
}

func roundTrips(ctx context.Context, conn net.Conn, id, n int) ([]time.Duration, error) {
	msg := make([]byte, MessageSize)
	got := make([]byte, MessageSize)
	out := make([]time.Duration, 0, n)
	deadline := time.Now().Add(20 * time.Second)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	conn.SetDeadline(deadline)
	defer conn.SetDeadline(time.Time{})
	for r := range n {
		for j := range msg {
			msg[j] = byte(id + r + j)
		}
		t0 := time.Now()
		if _, err := conn.Write(msg); err != nil {
			return out, fmt.Errorf("request %d on connection %d: %w", r, id, err)
		}
		if _, err := io.ReadFull(conn, got); err != nil {
			return out, fmt.Errorf("reply %d on connection %d: %w", r, id, err)
		}
		out = append(out, time.Since(t0))
		if !bytes.Equal(got, msg) {
			return out, fmt.Errorf("reply %d on connection %d is not the request", r, id)
		}
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
	}
	return out, nil
}

// Phase is one measurement: a server with Conns connections open, Active of
// them making requests.
type Phase struct {
	Conns, Active, Requests int
	P50, P99                time.Duration
	CPU                     time.Duration // the server process's CPU during the requests
	Wakes, Scanned          int64         // Scanned < 0: not observable
	Threads                 int
	RSSKB, BaseRSSKB        int
	BaseConns               int
}

// CPUPer1k is the server's CPU time per 1,000 requests.
func (p Phase) CPUPer1k() time.Duration {
	if p.Requests == 0 {
		return 0
	}
	return p.CPU * 1000 / time.Duration(p.Requests)
}

// ScannedPerWake is the descriptors examined per wake-up, or -1.
func (p Phase) ScannedPerWake() float64 {
	if p.Scanned < 0 || p.Wakes == 0 {
		return -1
	}
	return float64(p.Scanned) / float64(p.Wakes)
}

// RSSKBPerConn is the growth of the server's resident memory per
// connection added: since the previous phase (BaseRSSKB and BaseConns are
// that phase's), or since the server started for the first phase.
func (p Phase) RSSKBPerConn() float64 {
	if p.Conns <= p.BaseConns || p.RSSKB < 0 {
		return 0
	}
	return float64(p.RSSKB-p.BaseRSSKB) / float64(p.Conns-p.BaseConns)
}

// ErrNotWatched says the server accepted connections it could not watch.
type ErrNotWatched struct {
	Open, Want int
	Snapshot   Snapshot
}

func (e *ErrNotWatched) Error() string {
	return fmt.Sprintf("the server holds %d of %d connections (refused %d: %s)", e.Open, e.Want, e.Snapshot.Refused, e.Snapshot.RefuseErr)
}

// Measure grows the clients to n connections, waits until the server holds
// them all, and has active of them make requests round trips each.
func Measure(ctx context.Context, srv *Server, cl *Clients, n, active, requests int) (Phase, error) {
	before, err := srv.Snapshot()
	if err != nil {
		return Phase{}, err
	}
	ph := Phase{Conns: n, Active: min(active, n), BaseRSSKB: before.RSSKB, BaseConns: before.Conns}
	if err := cl.Grow(ctx, n); err != nil {
		return ph, err
	}
	// The kernel completes connections before the server accepts them:
	// wait until the server itself holds all n.
	deadline := time.Now().Add(10 * time.Second)
	for {
		snap, err := srv.Snapshot()
		if err != nil {
			return ph, err
		}
		if snap.Conns >= n {
			break
		}
		if snap.Refused > 0 || time.Now().After(deadline) {
			return ph, &ErrNotWatched{Open: snap.Conns, Want: n, Snapshot: snap}
		}
		time.Sleep(2 * time.Millisecond)
	}
	// Warm up: first requests fault in buffers and start threads.
	if _, err := cl.Requests(ctx, active, 5); err != nil {
		return ph, err
	}
	s0, err := srv.Counters()
	if err != nil {
		return ph, err
	}
	lat, err := cl.Requests(ctx, active, requests)
	if err != nil {
		return ph, err
	}
	s1, err := srv.Counters()
	if err != nil {
		return ph, err
	}
	full, err := srv.Snapshot()
	if err != nil {
		return ph, err
	}
	slices.Sort(lat)
	ph.Requests = len(lat)
	ph.P50, ph.P99 = Percentile(lat, 50), Percentile(lat, 99)
	ph.CPU = s1.CPU - s0.CPU
	ph.Wakes = s1.Wakes - s0.Wakes
	ph.Scanned = s1.Scanned - s0.Scanned
	if s1.Scanned < 0 {
		ph.Scanned = -1
	}
	ph.Threads, ph.RSSKB = full.Threads, full.RSSKB
	return ph, nil
}

// Percentile of sorted durations (nearest rank).
func Percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(0, min(len(sorted)-1, i-1))]
}
