package getpost

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/servers/orders"
)

// stepBadInput: every bad request gets the right status, and a problem
// document that says what was wrong.
func stepBadInput(ctx context.Context, r *demo.Run, la *localAPI, res *Result) error {
	r.Step("bad-input", r.T("Bad input: 400, 413, 404, 405, 414, 415 and net/http's own 431", "错误输入：400、413、404、405、414、415，以及 net/http 自己的 431"))
	cases := []struct {
		name, method, path, body string
		hdr                      []string
		want                     int
	}{
		{"bad_json", "POST", "/orders", `{"item":"book","qty":}`, nil, 400},
		{"too_large", "POST", "/orders", `{"item":"` + strings.Repeat("x", demoMaxBody) + `","qty":1}`, nil, 413},
		{"media_type", "POST", "/orders", `{"item":"book","qty":1}`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415},
		{"not_found", "GET", "/ordrs", "", nil, 404},
		{"method", "DELETE", "/orders", "", nil, 405},
		{"uri", "GET", "/orders?item=" + strings.Repeat("x", demoMaxURI+2000), "", nil, 414},
		{"duplicate_key", "POST", "/orders", `{"item":"book","qty":1,"qty":900}`, nil, 400},
		{"bidi", "POST", "/orders", `{"item":"invoice\u202Efdp.exe","qty":1}`, nil, 400},
		{"no_media_type", "POST", "/orders", `{"item":"book","qty":1}`, []string{"Content-Type", ""}, 415},
		{"merge_null", "PATCH", la.firstOrder, `null`, []string{"Content-Type", "application/merge-patch+json"}, 400},
	}
	for _, tc := range cases {
		rep, err := la.c.do(ctx, tc.method, tc.path, tc.body, tc.hdr...)
		if err != nil {
			return err
		}
		if err := expect(rep, tc.name, tc.want); err != nil {
			return err
		}
		if ct := rep.Header.Get("Content-Type"); ct != "application/problem+json" {
			return fmt.Errorf("%s: Content-Type %q, want application/problem+json", tc.name, ct)
		}
		r.Set(tc.name+"_status", rep.Status)
		if tc.name == "bad_json" {
			var p orders.Problem
			if err := json.Unmarshal(rep.Body, &p); err != nil {
				return fmt.Errorf("reading the problem document: %w", err)
			}
			r.Set("bad_json_detail", p.Detail)
		}
		if tc.name == "method" {
			r.Set("allow_header", rep.Header.Get("Allow"))
		}
	}
	r.Set("max_uri_bytes", demoMaxURI)
	r.Set("uri_bytes", len("/orders?item=")+demoMaxURI+2000)

	// Beyond MaxHeaderBytes net/http answers by itself, before any handler:
	// 431, not 414. Sent on a raw socket because the server stops reading.
	long := "/orders?item=" + strings.Repeat("y", demoMaxHeader+8<<10)
	status, line, err := rawRequest(ctx, la.addr, "GET "+long+" HTTP/1.1\r\nHost: "+la.addr+"\r\n\r\n")
	if err != nil {
		return fmt.Errorf("sending a request line beyond MaxHeaderBytes: %w", err)
	}
	r.Printf("  GET %s  →  %s %s", short(long, 40), line, r.T("(net/http itself, no handler ran)", "（net/http 自己回答，处理函数没有运行）"))
	if status != http.StatusRequestHeaderFieldsTooLarge {
		return fmt.Errorf("a request line beyond MaxHeaderBytes: status %d, want 431", status)
	}
	r.Set("header_status", status)
	r.Set("header_uri_bytes", len(long))
	r.Set("max_header_bytes", demoMaxHeader)
	return nil
}

// rawRequest writes req on a new connection and reads the status line.
func rawRequest(ctx context.Context, addr, req string) (int, string, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return 0, "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	go io.WriteString(c, req) // the server may stop reading part way
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, "", fmt.Errorf("reading the response: %w", err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Status, nil
}

// slowloris is what the slowloris measurement saw.
type slowloris struct {
	timeout     time.Duration
	other       reply // the other client, served meanwhile
	otherPath   string
	closedAfter time.Duration
	sent, got   int
}

// measureSlowloris runs its own server (and API) with ReadHeaderTimeout:
// a client that trickles its headers is cut off after the timeout while
// another client is served.
func measureSlowloris(ctx context.Context, timeout time.Duration) (*slowloris, error) {
	m := &slowloris{timeout: timeout}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening for the slowloris server: %w", err)
	}
	srv := orders.NewHTTPServer(orders.New(orders.Config{}), orders.Timeouts{ReadHeaderTimeout: timeout})
	go srv.Serve(ln)
	defer srv.Close()
	addr := ln.Addr().String()

	slow, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("dialing as the slow client: %w", err)
	}
	defer slow.Close()
	start := time.Now()
	closed := make(chan struct{})
	go func() { // the slow client's reader: what does the server send, and when does it hang up?
		defer close(closed)
		n, _ := io.Copy(io.Discard, slow)
		m.got = int(n)
	}()
	sentc := make(chan int, 1)
	go func() { // the slow client's writer: one header byte at a time
		sent := 0
		if n, err := io.WriteString(slow, "GET /orders HTTP/1.1\r\nHost: "+addr+"\r\nX-Slow: "); err == nil {
			sent += n
			tick := time.NewTicker(timeout / 4)
			defer tick.Stop()
		loop:
			for {
				select {
				case <-closed:
					break loop
				case <-ctx.Done():
					break loop
				case <-tick.C:
					if _, err := slow.Write([]byte("a")); err != nil {
						break loop
					}
					sent++
				}
			}
		}
		sentc <- sent
	}()

	// Meanwhile another client is served normally.
	m.otherPath = "/orders?item=book"
	other := &client{base: "http://" + addr, hc: &http.Client{Timeout: 30 * time.Second}}
	if m.other, err = other.send(ctx, "GET", m.otherPath, ""); err != nil {
		return nil, fmt.Errorf("the other client: %w", err)
	}
	select {
	case <-closed:
		return nil, fmt.Errorf("the slow connection closed before the other client was served; raise --header-timeout")
	default:
	}
	select {
	case <-closed:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(10*timeout + 10*time.Second):
		return nil, fmt.Errorf("the server did not close the slow connection within %v", 10*timeout+10*time.Second)
	}
	m.closedAfter = time.Since(start)
	slow.Close()
	m.sent = <-sentc
	return m, nil
}

// headerTimeout is --header-timeout.
func headerTimeout(r *demo.Run) time.Duration {
	if d := demo.ParamsOf[*params](r).HeaderTimeout; d > 0 {
		return d
	}
	return time.Second
}

// stepSlowloris narrates the slowloris measurement.
func stepSlowloris(ctx context.Context, r *demo.Run, fu *future[*slowloris]) error {
	r.Step("slowloris", r.T("Slowloris: headers that never finish are timed out", "Slowloris：永远发不完的头部会被超时断开"))
	m, err := fu.wait(ctx)
	if err != nil {
		return err
	}
	c := &client{r: r}
	c.narrate("GET", m.otherPath, "", nil, m.other)
	r.Printf(r.T("  while the slow client was still trickling, another client got %d", "  慢客户端还在一点点发送时，另一个客户端得到了 %d"), m.other.Status)
	r.Measure("header_timeout_ms", m.timeout.Milliseconds(), "ms")
	r.Measure("slowloris_closed_after_ms", m.closedAfter.Milliseconds(), "ms")
	r.Measure("slowloris_bytes_sent", m.sent, r.T("bytes", "字节"))
	r.Measure("slowloris_bytes_received", m.got, r.T("bytes", "字节"))
	r.Set("other_client_status", m.other.Status)
	return nil
}
