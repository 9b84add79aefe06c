package tlsdemo

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/wiretap"
)

// exchange is one HTTPS request as the client lived it.
type exchange struct {
	State     tls.ConnectionState
	Connect   time.Duration // TCP handshake
	Handshake time.Duration // TLS handshake, from TCP connected to Finished
	Sent      []byte        // the bytes the application handed to TLS
	Status    int
	Body      []byte
	Chunks    []wiretap.Chunk // the raw bytes on the TCP connection, both ways
}

// fetch dials address on n, runs the TLS handshake with cfg, sends req and
// reads the response. Every byte on the TCP connection is recorded. An
// error says which stage failed; the exchange so far is returned with it.
func fetch(ctx context.Context, n netx.Network, address string, cfg *tls.Config, req *http.Request) (*exchange, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	x := &exchange{}
	start := time.Now()
	raw, err := n.Dial(ctx, "tcp", address)
	if err != nil {
		return x, fmt.Errorf("dialing %s: %w", address, err)
	}
	x.Connect = time.Since(start)
	t := wiretap.Client(raw) // below TLS: what a packet capture would show as TCP payload
	defer func() { x.Chunks = t.Chunks() }()
	var conn net.Conn = t
	if cfg != nil { // nil: plain HTTP, for comparison
		tc := tls.Client(t, cfg)
		conn = tc
		if dl, ok := ctx.Deadline(); ok {
			tc.SetDeadline(dl)
		}
		start = time.Now()
		err = tc.HandshakeContext(ctx)
		x.Handshake = time.Since(start)
		x.State = tc.ConnectionState()
		if err != nil {
			tc.Close()
			return x, fmt.Errorf("TLS handshake: %w", err)
		}
	}
	defer conn.Close()
	if req == nil {
		return x, nil
	}
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		return x, fmt.Errorf("encoding the request: %w", err)
	}
	x.Sent = buf.Bytes()
	if _, err := conn.Write(x.Sent); err != nil {
		return x, fmt.Errorf("sending the request: %w", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		return x, fmt.Errorf("reading the response: %w", err)
	}
	defer resp.Body.Close()
	x.Status = resp.StatusCode
	if x.Body, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20)); err != nil {
		return x, fmt.Errorf("reading the response body: %w", err)
	}
	return x, nil
}

// newRequest builds a request for host; body != "" makes it a form POST.
func newRequest(host, path, body string) *http.Request {
	method := http.MethodGet
	var rd io.Reader
	if body != "" {
		method, rd = http.MethodPost, strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, "https://"+host+path, rd)
	req.Header.Set("User-Agent", "netdemo-tls")
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req
}
