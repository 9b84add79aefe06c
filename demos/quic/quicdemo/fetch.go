package quicdemo

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptrace"
	"time"
)

// discardLog keeps net/http's own log lines (TLS handshake errors from
// outside clients under --serve) off the demo's stderr.
var discardLog = log.New(io.Discard, "", 0)

// fetched is one response as the client saw it.
type fetched struct {
	Status    int
	Proto     string
	Body      []byte
	FirstByte time.Duration // from the start of the request to the first response byte
	Done      time.Duration // to the last byte of the body
	Resp      *http.Response
}

// fetch sends one request through rt and reads the whole answer, timing the
// first response byte with httptrace (net/http and quic-go's http3 both
// report it) and the end of the body.
func fetch(ctx context.Context, rt http.RoundTripper, method, url string, hdr http.Header) (*fetched, error) {
	var first time.Time
	trace := &httptrace.ClientTrace{GotFirstResponseByte: func() { first = time.Now() }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), method, url, nil)
	if err != nil {
		return nil, fmt.Errorf("building the request: %w", err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	start := time.Now()
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("reading the body of %s: %w", url, err)
	}
	end := time.Now()
	if first.IsZero() {
		return nil, fmt.Errorf("GET %s: the client never reported the first response byte", url)
	}
	return &fetched{Status: resp.StatusCode, Proto: resp.Proto, Body: body, FirstByte: first.Sub(start), Done: end.Sub(start), Resp: resp}, nil
}

// ms turns a duration into milliseconds with one decimal, the unit of every
// time in the result.
func ms(d time.Duration) float64 {
	return float64(d.Round(100*time.Microsecond)) / float64(time.Millisecond)
}
