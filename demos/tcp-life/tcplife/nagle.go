package tcplife

import (
	"context"
	"fmt"
	"io"
	"net"
	"slices"
	"time"
)

// The request of one exchange goes out in two writes, as a careless
// protocol implementation sends a header and then a body; the reply is one.
var (
	reqHeader = []byte("LEN 5\n")
	reqBody   = []byte("hello")
	reply     = []byte("ok\n")
)

// nagleRun is the per-exchange time of write–write–read, with Nagle's
// algorithm off and on.
type nagleRun struct {
	NoDelay, Nagle []time.Duration
}

// observeNagle runs the exchanges on 127.0.0.1, first with TCP_NODELAY
// (Go's default), then without it. With Nagle on, the body waits in the
// client's kernel until the header is acknowledged; the server's kernel
// holds that ACK back (delayed ACK), hoping to send it with a reply that
// cannot come before the body. The exchange stalls until the delayed-ACK
// timer fires.
func observeNagle(ctx context.Context, exchanges int) (nagleRun, error) {
	var out nagleRun
	for _, noDelay := range []bool{true, false} {
		d, err := exchange(ctx, noDelay, exchanges)
		if err != nil {
			return out, err
		}
		if noDelay {
			out.NoDelay = d
		} else {
			out.Nagle = d
		}
	}
	return out, nil
}

func exchange(ctx context.Context, noDelay bool, n int) ([]time.Duration, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening on 127.0.0.1: %w", err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, len(reqHeader)+len(reqBody))
		for {
			if _, err := io.ReadFull(c, buf); err != nil {
				return
			}
			if _, err := c.Write(reply); err != nil {
				return
			}
		}
	}()
	c, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		return nil, fmt.Errorf("connecting: %w", err)
	}
	defer c.Close()
	if err := c.(*net.TCPConn).SetNoDelay(noDelay); err != nil {
		return nil, fmt.Errorf("setting TCP_NODELAY: %w", err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, len(reply))
	out := make([]time.Duration, 0, n)
	for range n {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		t0 := time.Now()
		if _, err := c.Write(reqHeader); err != nil {
			return out, fmt.Errorf("writing the header: %w", err)
		}
		if _, err := c.Write(reqBody); err != nil {
			return out, fmt.Errorf("writing the body: %w", err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			return out, fmt.Errorf("reading the reply: %w", err)
		}
		out = append(out, time.Since(t0))
	}
	return out, nil
}

// p50 is the median of d.
func p50(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
