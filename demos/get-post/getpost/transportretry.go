package getpost

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"runtime"
	"sync"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
	"github.com/netdemo/netdemo/internal/servers/orders"
)

// closingServer is a raw HTTP/1.1 server built to trip Go's Transport: on
// every connection it answers the first request with keep-alive, then reads
// the second request in full and closes the connection without answering —
// what a server does when its idle timeout fires just as a request arrives.
type closingServer struct {
	ln net.Listener
	wg sync.WaitGroup

	mu       sync.Mutex
	received map[string]int // "METHOD path" → requests read
}

func startClosingServer() (*closingServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening for the closing server: %w", err)
	}
	s := &closingServer{ln: ln, received: map[string]int{}}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() { defer s.wg.Done(); s.serveConn(c) }()
		}
	}()
	return s, nil
}

func (s *closingServer) serveConn(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	br := bufio.NewReader(c)
	for n := 1; ; n++ {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		io.Copy(io.Discard, req.Body) // read it all, so that closing sends FIN, not RST
		s.mu.Lock()
		s.received[req.Method+" "+req.URL.Path]++
		s.mu.Unlock()
		if n == 2 {
			return // close without a response
		}
		resp := "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Type: text/plain\r\n\r\n"
		if req.Method != "HEAD" {
			resp += "ok\n"
		}
		if _, err := io.WriteString(c, resp); err != nil {
			return
		}
	}
}

func (s *closingServer) count(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.received[key]
}

func (s *closingServer) close() { s.ln.Close(); s.wg.Wait() }

// retryCase is one request kind sent on a reused connection the server closes.
type retryCase struct {
	name, method, body, key string
}

var retryCases = []retryCase{
	{"GET", "GET", "", ""},
	{"HEAD", "HEAD", "", ""},
	{"PUT", "PUT", `{"item":"lamp","qty":1}`, ""},
	{"DELETE", "DELETE", "", ""},
	{"POST", "POST", `{"item":"book","qty":1}`, ""},
	{"POST_with_key", "POST", `{"item":"book","qty":1}`, "k-transport"},
}

// retryOutcome is what one case showed.
type retryOutcome struct {
	writes, conns, received int
	status                  int
	err                     error
}

// tryTransport primes a fresh Transport with one GET, then sends tc on the
// now idle (reused) connection, counting with httptrace how many times the
// request was written and how many connections it took.
func tryTransport(ctx context.Context, s *closingServer, tc retryCase) (retryOutcome, error) {
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	base := "http://" + s.ln.Addr().String()
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	prime, err := http.NewRequestWithContext(ctx, "GET", base+"/prime", nil)
	if err != nil {
		return retryOutcome{}, err
	}
	resp, err := hc.Do(prime)
	if err != nil {
		return retryOutcome{}, fmt.Errorf("priming the connection: %w", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close() // back to the idle pool

	var mu sync.Mutex
	var o retryOutcome
	reused := false
	trace := &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			mu.Lock()
			o.conns++
			if o.conns == 1 {
				reused = info.Reused
			}
			mu.Unlock()
		},
		WroteRequest: func(httptrace.WroteRequestInfo) { mu.Lock(); o.writes++; mu.Unlock() },
	}
	path := "/orders/" + tc.name
	var body io.Reader
	if tc.body != "" {
		body = bytes.NewReader([]byte(tc.body)) // sets GetBody: the body can be sent again
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), tc.method, base+path, body)
	if err != nil {
		return retryOutcome{}, err
	}
	if tc.key != "" {
		req.Header.Set(orders.KeyHeader, tc.key)
	}
	resp, err = hc.Do(req)
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		o.status = resp.StatusCode
	}
	o.err = err
	mu.Lock()
	defer mu.Unlock()
	if !reused {
		return o, fmt.Errorf("%s: the request did not go out on the reused connection", tc.name)
	}
	o.received = s.count(tc.method + " " + path)
	return o, nil
}

// stepTransportRetry shows which requests Go's http.Transport sends again
// by itself when a reused connection turns out to be closed.
func stepTransportRetry(ctx context.Context, r *demo.Run, res *Result) error {
	r.Step("go-retry", r.T("Go's http.Transport retries by itself — but only some requests", "Go 的 http.Transport 会自己重试 —— 但只重试一部分请求"))
	s, err := startClosingServer()
	if err != nil {
		return err
	}
	defer s.close()
	r.Printf("%s", r.T("  the case measured: HTTP/1.1, a reused connection, the request written in full, the server hanging up without an answer",
		"  测量的情况：HTTP/1.1、复用的连接、请求已完整写出、服务器不回答就挂断"))
	retried := map[string]bool{}
	t := event.NewTable("go-retry", r.T("request", "请求"), r.T("body", "正文"),
		r.T("times written", "写出次数"), r.T("connections", "连接数"), r.T("server got it", "服务器收到"), r.T("outcome", "结果"))
	for _, tc := range retryCases {
		o, err := tryTransport(ctx, s, tc)
		if err != nil {
			return err
		}
		retried[tc.name] = o.writes >= 2 && o.received >= 2
		outcome := fmt.Sprintf("%d", o.status)
		if o.err != nil {
			outcome = fmt.Sprintf(r.T("error %q", "出错：%q"), errorText(o.err))
		}
		label := tc.method
		if tc.key != "" {
			label += " + key"
		}
		t.Row(label, tc.body != "", o.writes, o.conns, o.received, outcome)
		r.Event("transport_retry", map[string]any{"case": tc.name, "writes": o.writes, "conns": o.conns, "server_received": o.received, "retried": retried[tc.name], "outcome": outcome})
		r.Set("retry_"+tc.name+"_writes", o.writes)
		if tc.name == "POST" {
			r.Set("post_transport_error", outcome)
			if o.err != nil {
				r.Set("post_transport_error", errorText(o.err))
			}
		}
	}
	r.Table(t)
	res.GoTransportRetried = TransportRetried{
		GET: retried["GET"], HEAD: retried["HEAD"], PUT: retried["PUT"], DELETE: retried["DELETE"],
		POST: retried["POST"], POSTWithKey: retried["POST_with_key"],
	}
	r.Set("go_version", runtime.Version()) // the retry rule shown is this release's
	return nil
}

// errorText drops the `Post "http://…":` prefix the client adds.
func errorText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}
