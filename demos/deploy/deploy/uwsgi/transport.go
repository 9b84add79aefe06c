package uwsgi

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/netdemo/netdemo/demos/deploy/deploy/cgiwire"
)

// Transport sends each HTTP request to a uwsgi application server as one
// packet and the body on a new connection, the way nginx's uwsgi_pass
// does, and reads the HTTP response the application writes back.
type Transport struct {
	// Dial opens a connection to the application server.
	Dial func(ctx context.Context) (net.Conn, error)
	// ScriptName is the prefix the application is mounted at ("" for /).
	ScriptName string
	// Tap, when set, wraps each new connection, to record its bytes.
	Tap func(net.Conn) net.Conn
}

// MaxBody bounds the request body the transport holds in memory.
const MaxBody = 64 << 20

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(io.LimitReader(req.Body, MaxBody+1))
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("uwsgi: reading the request body: %w", err)
		}
		if len(body) > MaxBody {
			return nil, fmt.Errorf("uwsgi: request body over %d MiB", MaxBody>>20)
		}
	}
	r2 := *req
	r2.ContentLength = int64(len(body))
	pkt, err := EncodeVars(cgiwire.FromRequest(&r2, t.ScriptName))
	if err != nil {
		return nil, err
	}
	ctx := req.Context()
	conn, err := t.Dial(ctx)
	if err != nil {
		return nil, fmt.Errorf("uwsgi: connecting to the application server: %w", err)
	}
	if t.Tap != nil {
		conn = t.Tap(conn)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	if _, err := conn.Write(append(pkt, body...)); err != nil {
		stop()
		conn.Close()
		return nil, fmt.Errorf("uwsgi: sending the request: %w", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		stop()
		conn.Close()
		return nil, fmt.Errorf("uwsgi: reading the application server's response: %w", err)
	}
	resp.Body = &closer{ReadCloser: resp.Body, conn: conn, stop: stop}
	return resp, nil
}

// closer closes the connection with the body: the response is read from
// the connection as the client reads it.
type closer struct {
	io.ReadCloser
	conn net.Conn
	stop func() bool
}

func (c *closer) Close() error {
	c.stop()
	c.ReadCloser.Close()
	return c.conn.Close()
}
