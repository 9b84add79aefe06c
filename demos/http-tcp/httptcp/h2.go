package httptcp

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netdemo/netdemo/demos/http-tcp/httptcp/h2wire"
)

// h2Paths are the five resources fetched at once, like a page's style
// sheet, scripts and images: different paths, otherwise the same headers.
var h2Paths = []string{"/bytes/1000", "/bytes/2000", "/bytes/3000", "/bytes/4000", "/bytes/5000"}

// concurrent is what n simultaneous HTTP/2 requests cost.
type concurrent struct {
	TLS      bool
	ALPN     string   // the protocol TLS negotiated, as the client saw it
	Protos   []string // resp.Proto of each request
	Reused   int      // requests whose connection already existed
	Total    time.Duration
	Dials    int64
	Accepted int64
	Wire     tapCounts
	Exchange *h2wire.Exchange // the frames of every recorded connection
	ParseErr error
	Complete bool // every recorded connection was closed before parsing
}

// fetchConcurrent sends every path at once over HTTP/2: over TLS, where
// ALPN picks "h2", or in cleartext with prior knowledge (h2c), where the
// client simply starts with the HTTP/2 preface.
func fetchConcurrent(ctx context.Context, tb *testbed, overTLS bool, paths []string) (*concurrent, error) {
	var dials atomic.Int64
	var p http.Protocols
	srv, base := tb.plain, tb.plainURL
	if overTLS {
		// A browser's choice: offer h2 and http/1.1, let the server pick.
		p.SetHTTP1(true)
		p.SetHTTP2(true)
		srv, base = tb.secure, tb.secureURL
	} else {
		p.SetUnencryptedHTTP2(true)
	}
	tr := &http.Transport{
		DialContext:     tb.dialer(&dials),
		TLSClientConfig: tb.clientTLS(),
		Protocols:       &p,
		// One dial at a time per host: the other requests wait for it and
		// then share the HTTP/2 connection, as browsers do.
		MaxConnsPerHost: 1,
	}
	client := &http.Client{Transport: tr, Timeout: tb.timeout}

	res := &concurrent{TLS: overTLS, Protos: make([]string, len(paths))}
	first, acc0, wire0 := srv.recordCount(), srv.conns.Load(), tb.wire.counts()
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		errs   = make([]error, len(paths))
		reused atomic.Int64
	)
	start := time.Now()
	for i, path := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
				if info.Reused {
					reused.Add(1)
				}
			}}
			req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), "GET", base+path, nil)
			if err != nil {
				errs[i] = err
				return
			}
			resp, err := client.Do(req)
			if err != nil {
				errs[i] = fmt.Errorf("GET %s: %w", path, err)
				return
			}
			defer resp.Body.Close()
			if _, err := io.Copy(io.Discard, resp.Body); err != nil {
				errs[i] = fmt.Errorf("reading %s: %w", path, err)
				return
			}
			if resp.StatusCode != http.StatusOK {
				errs[i] = fmt.Errorf("GET %s: status %s, want 200 OK", path, resp.Status)
				return
			}
			mu.Lock()
			res.Protos[i] = resp.Proto
			if resp.TLS != nil {
				res.ALPN = resp.TLS.NegotiatedProtocol
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.Total = time.Since(start)
	for _, err := range errs {
		if err != nil {
			tr.CloseIdleConnections()
			return nil, err
		}
	}
	res.Reused = int(reused.Load())

	// Hang up, and wait for the server to see it, so the recording holds
	// every frame of the connection before it is parsed.
	tr.CloseIdleConnections()
	recs := srv.recordings(first)
	res.Complete = waitClosed(ctx, recs, 5*time.Second)
	res.Dials = dials.Load()
	res.Accepted = srv.conns.Load() - acc0
	res.Wire = tb.wire.counts().sub(wire0)

	ex := &h2wire.Exchange{}
	for _, rec := range recs {
		e, err := h2wire.Parse(rec.Chunks())
		if err != nil && res.ParseErr == nil {
			res.ParseErr = err
		}
		if overTLS && rec.tls != nil && res.ALPN == "" {
			res.ALPN = rec.tls.ConnectionState().NegotiatedProtocol
		}
		ex.Preface = ex.Preface || e.Preface
		ex.Frames = append(ex.Frames, e.Frames...)
		for d := range ex.Rest {
			if ex.Rest[d] == "" {
				ex.Rest[d] = e.Rest[d]
			}
		}
	}
	res.Exchange = ex
	return res, nil
}

// waitClosed waits until the server has closed every recorded connection.
func waitClosed(ctx context.Context, recs []*recorded, limit time.Duration) bool {
	timer := time.NewTimer(limit)
	defer timer.Stop()
	for _, r := range recs {
		select {
		case <-r.Closed():
		case <-timer.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// connections is the best evidence of how many TCP connections were used.
func (c *concurrent) connections(tapped bool) int {
	if tapped {
		return c.Wire.handshakes
	}
	return int(c.Accepted)
}
