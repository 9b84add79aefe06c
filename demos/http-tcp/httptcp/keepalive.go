package httptcp

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sort"
	"sync/atomic"
	"time"
)

// sequential is what n requests one after another cost.
type sequential struct {
	KeepAlive  bool
	Reused     []bool          // httptrace GotConnInfo.Reused per request
	Took       []time.Duration // per request, from sending to the last body byte
	Total      time.Duration
	Dials      int64     // connections the transport dialed
	Accepted   int64     // connections the server accepted
	Wire       tapCounts // what the lab's link carried (zero on loopback)
	ConnHeader string    // the Connection header the server answered with, if any
}

// fetchSequential sends n GETs for path over HTTP/1.1, one after another,
// with keep-alive on (one connection reused) or off (Connection: close, one
// connection per request).
func fetchSequential(ctx context.Context, tb *testbed, keepAlive bool, n int, path string) (*sequential, error) {
	var dials atomic.Int64
	var p http.Protocols
	p.SetHTTP1(true)
	tr := &http.Transport{
		DialContext:       tb.dialer(&dials),
		DisableKeepAlives: !keepAlive,
		Protocols:         &p,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: tb.timeout}

	res := &sequential{KeepAlive: keepAlive}
	acc0, wire0 := tb.plain.conns.Load(), tb.wire.counts()
	start := time.Now()
	for i := 0; i < n; i++ {
		var reused bool
		trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) { reused = info.Reused }}
		req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), "GET", tb.plainURL+path, nil)
		if err != nil {
			return nil, fmt.Errorf("building request %d: %w", i+1, err)
		}
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("request %d: %w", i+1, err)
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("reading response %d: %w", i+1, err)
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("request %d: status %s, want 200 OK", i+1, resp.Status)
		}
		if i == 0 {
			res.ConnHeader = resp.Header.Get("Connection")
		}
		res.Reused = append(res.Reused, reused)
		res.Took = append(res.Took, time.Since(t0))
	}
	res.Total = time.Since(start)
	tr.CloseIdleConnections()
	res.Dials = dials.Load()
	res.Wire = tb.wire.counts().sub(wire0)
	// The server counts a connection when it accepts it; by the time the
	// last response arrived every one of them was accepted.
	res.Accepted = tb.plain.conns.Load() - acc0
	return res, nil
}

// connections is the best evidence of how many TCP connections were used:
// the handshakes on the wire when there is a tap, else the server's count.
func (s *sequential) connections(tapped bool) int {
	if tapped {
		return s.Wire.handshakes
	}
	return int(s.Accepted)
}

func (s *sequential) reusedCount() int {
	n := 0
	for _, r := range s.Reused {
		if r {
			n++
		}
	}
	return n
}

// comparison holds every round of both modes.
type comparison struct {
	KeepAlive, Close []*sequential
}

// compareKeepAlive alternates the two modes, round after round, so that a
// slow stretch of the machine hurts both alike. The reported time is the
// median round (--rounds), so with several rounds one hiccup of a busy
// machine (a classroom laptop, a shared CI runner) lands in one round
// instead of in the answer.
func compareKeepAlive(ctx context.Context, tb *testbed, n int, path string, rounds int) (*comparison, error) {
	c := &comparison{}
	for i := 0; i < rounds; i++ {
		ka, err := fetchSequential(ctx, tb, true, n, path)
		if err != nil {
			return nil, fmt.Errorf("keep-alive, round %d: %w", i+1, err)
		}
		cl, err := fetchSequential(ctx, tb, false, n, path)
		if err != nil {
			return nil, fmt.Errorf("Connection: close, round %d: %w", i+1, err)
		}
		c.KeepAlive, c.Close = append(c.KeepAlive, ka), append(c.Close, cl)
	}
	return c, nil
}

// median returns the round with the median total time.
func median(runs []*sequential) *sequential {
	s := append([]*sequential(nil), runs...)
	sort.Slice(s, func(i, j int) bool { return s[i].Total < s[j].Total })
	return s[len(s)/2]
}
