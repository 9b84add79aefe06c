package getpost

import (
	"context"
	"errors"
	"fmt"
	"github.com/netdemo/netdemo/internal/netx"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netdemo/netdemo/demos/get-post/getpost/orders"
	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/packet"
)

// labAPI is the orders API on the lab's server host, with a switch that
// makes the link lose the response to the next request.
type labAPI struct {
	r       *demo.Run
	api     *orders.API
	l       *lab.Lab
	hc      *http.Client
	timeout time.Duration

	armed   atomic.Bool   // lose the response to the next request
	victim  atomic.Uint32 // client port whose server→client data is dropped
	dropped atomic.Int64  // frames dropped by the rule

	holdKey          string        // BeforeCreate blocks requests with this Idempotency-Key
	started, release chan struct{} // … signalling started and waiting for release
	startOnce        sync.Once
	releaseOnce      sync.Once
}

// doRelease lets the held request go on; safe to call more than once.
func (la *labAPI) doRelease() { la.releaseOnce.Do(func() { close(la.release) }) }

const labBase = "http://server.test"

func startLab(ctx context.Context, r *demo.Run) (*labAPI, error) {
	l, err := r.NewLab()
	if err != nil {
		return nil, err
	}
	la := &labAPI{r: r, l: l, holdKey: "k-slow", started: make(chan struct{}), release: make(chan struct{})}
	r.OnClose(la.doRelease)
	la.api = orders.New(orders.Config{BeforeCreate: func(req *http.Request) {
		if req.Header.Get(orders.KeyHeader) == la.holdKey {
			la.startOnce.Do(func() { close(la.started) })
			<-la.release
		}
	}})
	ln, err := l.Server().Listen(ctx, "tcp", ":80")
	if err != nil {
		return nil, fmt.Errorf("listening on server.test:80: %w", err)
	}
	srv := orders.NewHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if la.armed.CompareAndSwap(true, false) {
			// The request has arrived and is processed below; everything
			// the server sends back on this connection will be lost.
			if _, port, err := net.SplitHostPort(req.RemoteAddr); err == nil {
				p, _ := strconv.Atoi(port)
				la.victim.Store(uint32(p))
			}
		}
		la.api.ServeHTTP(w, req)
	}), orders.Timeouts{})
	go srv.Serve(ln)
	r.OnClose(func() { srv.Close() })

	// Drop every server→client segment that carries data on the victim's
	// connection: dropping just one would only make TCP retransmit it.
	l.SetRule(func(f lab.Frame) lab.Verdict {
		if f.Dir != netx.ServerToClient {
			return lab.Default
		}
		v := la.victim.Load()
		if v == 0 {
			return lab.Default
		}
		if carriesDataTo(f.Data, v) {
			la.dropped.Add(1)
			return lab.Drop
		}
		return lab.Default
	})

	la.timeout, _ = r.Flag("client-timeout").(time.Duration)
	if la.timeout <= 0 {
		la.timeout = 3*r.Link.RTT + time.Second
	}
	tr := &http.Transport{DialContext: l.Client().Dial}
	r.OnClose(tr.CloseIdleConnections)
	la.hc = &http.Client{Transport: tr, Timeout: la.timeout}
	return la, nil
}

// attempt is one try of a request by the retrying client.
type attempt struct {
	port    int // client port of the connection it used
	err     error
	rep     reply
	elapsed time.Duration
}

// retrying sends a request, and again on a new connection when no response
// came within the timeout, like a careful client would (at most 3 tries).
// With lose set, the response to the first try is lost on the link.
func (la *labAPI) retrying(ctx context.Context, lose bool, method, path, body string, hdr ...string) ([]attempt, error) {
	c := &client{r: la.r, base: labBase, hc: la.hc}
	la.dropped.Store(0)
	la.armed.Store(lose)
	defer func() { la.armed.Store(false); la.victim.Store(0) }()
	var tries []attempt
	for i := 0; i < 3; i++ {
		var port int
		tctx := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
			if a, ok := info.Conn.LocalAddr().(*net.TCPAddr); ok {
				port = a.Port
			}
		}})
		start := time.Now()
		rep, err := c.send(tctx, method, path, body, hdr...)
		a := attempt{port: port, err: err, rep: rep, elapsed: time.Since(start)}
		tries = append(tries, a)
		if ctx.Err() != nil {
			return tries, ctx.Err()
		}
		if err == nil {
			la.r.Printf(la.r.T("  try %d (client port %d), answered after %d ms:", "  第 %d 次（客户端端口 %d），%d ms 后得到响应："),
				i+1, port, a.elapsed.Milliseconds())
			c.narrate(method, path, body, hdr, rep)
			return tries, nil
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			return tries, err
		}
		la.r.Printf(la.r.T("  try %d (client port %d): %s %s  →  no response after %d ms (client timeout); %d server→client frames dropped",
			"  第 %d 次（客户端端口 %d）：%s %s  →  %d ms 内没有响应（客户端超时）；丢弃了 %d 个服务器→客户端的帧"),
			i+1, port, method, path, a.elapsed.Milliseconds(), la.dropped.Load())
		la.victim.Store(0) // the client gave up on that connection
	}
	return tries, fmt.Errorf("%s %s: no response in %d tries", method, path, len(tries))
}

// runLab runs the lost-response steps on the lab.
func runLab(ctx context.Context, r *demo.Run, res *Result) error {
	la, err := startLab(ctx, r)
	if err != nil {
		return err
	}
	r.Set("rtt_ms", r.Link.RTT.Milliseconds())
	r.Set("client_timeout_ms", la.timeout.Milliseconds())
	for _, s := range []func(context.Context, *demo.Run, *labAPI, *Result) error{stepLostGet, stepLostPost, stepLostKey, stepKeyConflict} {
		if err := s(ctx, r, la, res); err != nil {
			return err
		}
	}
	return nil
}

// lostOnce checks that a retried exchange went as the step explains: the
// first try timed out, a later one got want.
func lostOnce(tries []attempt, want int) error {
	if len(tries) < 2 || tries[0].err == nil {
		return fmt.Errorf("the first response was not lost (tries: %d)", len(tries))
	}
	if got := tries[len(tries)-1].rep.Status; got != want {
		return fmt.Errorf("the retry got %d, want %d", got, want)
	}
	return nil
}

func stepLostGet(ctx context.Context, r *demo.Run, la *labAPI, res *Result) error {
	r.Step("lost-get", r.T("Lost response, GET retried: harmless (idempotent, RFC 9110 §9.2.2)", "响应丢失，重试 GET：无害（幂等，RFC 9110 §9.2.2）"))
	c := &client{r: r, base: labBase, hc: la.hc}
	rep, err := c.do(ctx, "POST", "/orders", `{"item":"atlas","qty":1}`)
	if err != nil {
		return err
	}
	if err := expect(rep, "creating an order on the lab", 201); err != nil {
		return err
	}
	before := stateString(la.api.Store().List(""))
	tries, err := la.retrying(ctx, true, "GET", rep.Header.Get("Location"), "")
	if err != nil {
		return err
	}
	if err := lostOnce(tries, 200); err != nil {
		return fmt.Errorf("lost GET: %w", err)
	}
	changed := before != stateString(la.api.Store().List(""))
	r.Measure("lost_get_tries", len(tries), "")
	r.Measure("lost_get_timeout_ms", tries[0].elapsed.Milliseconds(), "ms")
	r.Measure("lost_get_retry_ms", tries[len(tries)-1].elapsed.Milliseconds(), "ms")
	r.Set("lost_get_changed_state", changed)
	return nil
}

func stepLostPost(ctx context.Context, r *demo.Run, la *labAPI, res *Result) error {
	r.Step("lost-post", r.T("Lost response, POST retried: a duplicate order (not idempotent)", "响应丢失，重试 POST：重复下单（不幂等）"))
	tries, err := la.retrying(ctx, true, "POST", "/orders", `{"item":"lost-post","qty":1}`)
	if err != nil {
		return err
	}
	if err := lostOnce(tries, 201); err != nil {
		return fmt.Errorf("lost POST: %w", err)
	}
	res.RetryWithoutKeyOrders = len(la.api.Store().List("lost-post"))
	r.Measure("retry_without_key_orders", res.RetryWithoutKeyOrders, r.T("orders on the server for one intended order", "个订单（本来只想下一单）"))
	r.Measure("lost_post_dropped_frames", la.dropped.Load(), "")
	return nil
}

func stepLostKey(ctx context.Context, r *demo.Run, la *labAPI, res *Result) error {
	r.Step("idempotency-key", r.T("Lost response, POST retried with an Idempotency-Key: one order, the response replayed", "响应丢失，带 Idempotency-Key 重试 POST：只有一个订单，响应被重放"))
	key := fmt.Sprintf("order-%d-1", r.Seed)
	tries, err := la.retrying(ctx, true, "POST", "/orders", `{"item":"lost-key","qty":1}`, orders.KeyHeader, key)
	if err != nil {
		return err
	}
	if err := lostOnce(tries, 201); err != nil {
		return fmt.Errorf("lost POST with a key: %w", err)
	}
	last := tries[len(tries)-1].rep
	res.RetryWithKeyOrders = len(la.api.Store().List("lost-key"))
	res.KeyReplayed = last.Header.Get(orders.ReplayedHeader) == "true"
	r.Measure("retry_with_key_orders", res.RetryWithKeyOrders, r.T("order on the server", "个订单"))
	r.Measure("key_replayed", res.KeyReplayed, "")
	r.Set("idempotency_key", key)
	return nil
}

// stepKeyConflict: the same key while the first request still runs → 409;
// the same key with another payload → 422; the order exists once.
func stepKeyConflict(ctx context.Context, r *demo.Run, la *labAPI, res *Result) error {
	r.Step("key-conflict", r.T("Same key while the first is still running: 409; same key, other payload: 422", "第一个请求还在处理时用同一个 key：409；同一个 key、不同内容：422"))
	c := &client{r: r, base: labBase, hc: &http.Client{Transport: la.hc.Transport, Timeout: 30 * time.Second}}
	body := `{"item":"slow","qty":1}`
	type out struct {
		rep reply
		err error
	}
	first := make(chan out, 1)
	go func() {
		rep, err := c.send(ctx, "POST", "/orders", body, orders.KeyHeader, la.holdKey)
		first <- out{rep, err}
	}()
	select {
	case <-la.started:
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(30 * time.Second):
		return errors.New("the first request with the key never reached the server")
	}
	r.Printf(r.T("  the first POST with %s: %s is being processed (held on the server)…", "  带 %s: %s 的第一个 POST 正在处理（在服务器上被挂起）……"), orders.KeyHeader, la.holdKey)
	busy, err := c.do(ctx, "POST", "/orders", body, orders.KeyHeader, la.holdKey)
	if err != nil {
		return err
	}
	la.doRelease()
	f := <-first
	if f.err != nil {
		return fmt.Errorf("the first POST with the key: %w", f.err)
	}
	c.narrate("POST", "/orders", body, []string{orders.KeyHeader, la.holdKey}, f.rep)
	again, err := c.do(ctx, "POST", "/orders", body, orders.KeyHeader, la.holdKey)
	if err != nil {
		return err
	}
	other, err := c.do(ctx, "POST", "/orders", `{"item":"slow","qty":9}`, orders.KeyHeader, la.holdKey)
	if err != nil {
		return err
	}
	res.KeyConflictStatus = busy.Status
	res.KeyMismatchStatus = other.Status
	r.Measure("key_conflict_status", busy.Status, "")
	r.Measure("key_first_status", f.rep.Status, "")
	r.Measure("key_again_status", again.Status, "")
	r.Set("key_again_replayed", again.Header.Get(orders.ReplayedHeader) == "true")
	r.Measure("key_mismatch_status", other.Status, "")
	r.Measure("key_conflict_orders", len(la.api.Store().List("slow")), r.T("order", "个订单"))
	return nil
}

// carriesDataTo reports whether the IPv4 packet pkt is a TCP segment with
// payload for port: the server's response bytes to the victim's connection.
// Segments without payload pass; anything that does not decode is not the
// victim's.
func carriesDataTo(pkt []byte, port uint32) bool {
	p, err := packet.Decode(pkt)
	return err == nil && p.Proto == packet.TCP && len(p.Payload) > 0 && uint32(p.DstPort) == port
}
