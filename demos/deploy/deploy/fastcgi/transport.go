package fastcgi

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/netdemo/netdemo/demos/deploy/deploy/cgiwire"
)

// Transport sends each HTTP request to a FastCGI application as one
// FastCGI request on a new connection, the way nginx's fastcgi_pass does
// by default (without fastcgi_keep_conn), and turns the application's CGI
// response back into an *http.Response.
type Transport struct {
	// Dial opens a connection to the application (a Unix socket, usually).
	Dial func(ctx context.Context) (net.Conn, error)
	// ScriptName is the prefix the application is mounted at ("" for /).
	ScriptName string
	// Tap, when set, wraps each new connection, to record its bytes.
	Tap func(net.Conn) net.Conn
}

// requestID is the id of the one request on each connection.
const requestID = 1

// MaxBody bounds what the transport holds in memory: a request body, or an
// application's STDOUT stream.
const MaxBody = 64 << 20

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(io.LimitReader(req.Body, MaxBody+1))
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("fastcgi: reading the request body: %w", err)
		}
		if len(body) > MaxBody {
			return nil, fmt.Errorf("fastcgi: request body over %d MiB", MaxBody>>20)
		}
	}
	r2 := *req
	r2.ContentLength = int64(len(body))
	msg := EncodeRequest(cgiwire.FromRequest(&r2, t.ScriptName), body)

	ctx := req.Context()
	conn, err := t.Dial(ctx)
	if err != nil {
		return nil, fmt.Errorf("fastcgi: connecting to the application: %w", err)
	}
	defer conn.Close()
	if t.Tap != nil {
		conn = t.Tap(conn)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if _, err := conn.Write(msg); err != nil {
		return nil, fmt.Errorf("fastcgi: sending the request: %w", err)
	}
	stdout, _, end, err := ReadResponse(bufio.NewReader(conn))
	if err != nil {
		return nil, err
	}
	if end.ProtocolStatus != StatusRequestComplete {
		return nil, fmt.Errorf("fastcgi: application refused the request (protocol status %d)", end.ProtocolStatus)
	}
	resp, err := cgiwire.ParseResponse(stdout)
	if err != nil {
		return nil, fmt.Errorf("fastcgi: %w", err)
	}
	resp.Request = req
	return resp, nil
}

// EncodeRequest encodes one whole responder request: BEGIN_REQUEST, the
// params stream, the stdin stream.
func EncodeRequest(vars []cgiwire.Var, body []byte) []byte {
	b := AppendRecord(nil, TypeBeginRequest, requestID, BeginRequest{Role: RoleResponder}.Bytes())
	b = AppendStream(b, TypeParams, requestID, AppendPairs(nil, vars))
	return AppendStream(b, TypeStdin, requestID, body)
}

// ReadResponse reads the application's records for request 1 until
// END_REQUEST: the joined STDOUT and STDERR streams and the end record.
func ReadResponse(r io.Reader) (stdout, stderr []byte, end EndRequest, err error) {
	var out, errs bytes.Buffer
	for {
		rec, err := ReadRecord(r)
		if err == io.EOF {
			return nil, nil, end, fmt.Errorf("%w: the application closed the connection before END_REQUEST", ErrTruncated)
		}
		if err != nil {
			return nil, nil, end, err
		}
		if rec.RequestID != requestID {
			return nil, nil, end, fmt.Errorf("fastcgi: %s record for request %d, want %d", rec.Type, rec.RequestID, requestID)
		}
		switch rec.Type {
		case TypeStdout:
			if out.Len()+len(rec.Content) > MaxBody {
				return nil, nil, end, fmt.Errorf("fastcgi: the application's STDOUT is over %d MiB", MaxBody>>20)
			}
			out.Write(rec.Content)
		case TypeStderr:
			if errs.Len() < 64<<10 { // keep the start of what it complained about
				errs.Write(rec.Content)
			}
		case TypeEndRequest:
			end, err := ParseEndRequest(rec.Content)
			return out.Bytes(), errs.Bytes(), end, err
		default:
			return nil, nil, end, fmt.Errorf("fastcgi: unexpected %s record from the application", rec.Type)
		}
	}
}
