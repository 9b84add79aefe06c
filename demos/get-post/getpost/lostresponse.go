package getpost

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netdemo/netdemo/internal/netx"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/packet"
	"github.com/netdemo/netdemo/internal/servers/orders"
)

// labAPI is the orders API on the server host of one lab, with a switch
// that makes the link lose the response to the next request, and counts
// of what the link's own random loss (--loss) did.
type labAPI struct {
	r       *demo.Run
	api     *orders.API
	l       *lab.Lab
	hc      *http.Client
	timeout time.Duration

	armed   atomic.Bool   // lose the response to the next request
	victim  atomic.Uint32 // client port whose server→client data is dropped
	dropped atomic.Int64  // frames dropped by the rule

	mu       sync.Mutex
	ruleN    int // Frame.N of the last frame the rule dropped
	lost     int // frames the link's random loss dropped
	synsLost int // of them, SYNs and SYN-ACKs

	holdKey          string        // BeforeCreate blocks requests with this Idempotency-Key
	started, release chan struct{} // … signalling started and waiting for release
	startOnce        sync.Once
	releaseOnce      sync.Once
}

// doRelease lets the held request go on; safe to call more than once.
func (la *labAPI) doRelease() { la.releaseOnce.Do(func() { close(la.release) }) }

const labBase = "http://server.test"

// clientTimeout is how long the lab client waits for a response, in round
// trips: a new connection takes two (handshake, then request and
// response), and one lost segment adds a retransmission timeout, which
// after the first RTT sample R is R + 4·R/2 = 3R (RFC 6298 §2.2); one more
// round trip and 250 ms are margin. A lost SYN, resent only after 1 s
// (§2.1, §5.7), does not fit: such a try counts as lost.
func clientTimeout(r *demo.Run) time.Duration {
	if d := demo.ParamsOf[*params](r).ClientTimeout; d > 0 {
		return d
	}
	return 6*r.Link.RTT + 250*time.Millisecond
}

// startLab starts one lab with its own orders API (its own ids and state)
// and its own seed, so that the lab steps can measure at the same time
// without seeing each other's orders or sharing the link's random draws.
func startLab(ctx context.Context, r *demo.Run, seed int64) (*labAPI, error) {
	l, err := r.NewLabWith(r.Link, seed)
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
		if v == 0 || !carriesDataTo(f.Data, v) {
			return lab.Default
		}
		la.dropped.Add(1)
		la.mu.Lock()
		la.ruleN = f.N
		la.mu.Unlock()
		return lab.Drop
	})
	// Count what the link's random loss did (the rule's drops aside).
	l.AddTap(func(f lab.Frame) {
		if f.Fate != lab.Dropped {
			return
		}
		la.mu.Lock()
		defer la.mu.Unlock()
		if f.N == la.ruleN {
			return
		}
		la.lost++
		if p, err := packet.Decode(f.Data); err == nil && p.Proto == packet.TCP && p.Flags.Has(packet.SYN) {
			la.synsLost++
		}
	})

	la.timeout = clientTimeout(r)
	tr := &http.Transport{DialContext: l.Client().Dial}
	r.OnClose(tr.CloseIdleConnections)
	la.hc = &http.Client{Transport: tr, Timeout: la.timeout}
	return la, nil
}

// linkLoss is a snapshot of the random-loss counters.
func (la *labAPI) linkLoss() (lost, syns int) {
	la.mu.Lock()
	defer la.mu.Unlock()
	return la.lost, la.synsLost
}

// attempt is one try of a request by the retrying client.
type attempt struct {
	port     int  // client port of the connection it used (0: none was set up)
	reused   bool // a kept-alive connection
	err      error
	rep      reply
	elapsed  time.Duration
	ruleLost int64 // response frames the demo's rule dropped
	linkLost int   // frames the link's random loss dropped meanwhile
	synsLost int   // … of them SYN or SYN-ACK
}

// exchange is what the retrying client did for one request.
type exchange struct {
	method, path, body string
	hdr                []string
	tries              []attempt
	gaveUp             bool
	took               time.Duration
}

func (x *exchange) last() attempt { return x.tries[len(x.tries)-1] }

// linkLost is the frames the link's random loss cost the whole exchange.
func (x *exchange) linkLost() (frames, timedOut int) {
	for _, a := range x.tries {
		frames += a.linkLost
		if a.err != nil && a.ruleLost == 0 {
			timedOut++
		}
	}
	return frames, timedOut
}

// maxTries is how often the retrying client sends one request: enough to
// get through a lossy link, where any try may be lost.
func (la *labAPI) maxTries() int {
	if la.r.Link.Loss > 0 {
		return 6
	}
	return 3
}

// retrying sends a request, and again when no response came within the
// timeout, like a careful client would (at most maxTries). With lose set,
// the response to the first request that reaches the server is lost on
// the link. It fails only when ctx ends or the request cannot be built: a
// link that loses every try is an outcome (gaveUp), not an error.
func (la *labAPI) retrying(ctx context.Context, lose bool, method, path, body string, hdr ...string) (*exchange, error) {
	c := &client{r: la.r, base: labBase, hc: la.hc}
	x := &exchange{method: method, path: path, body: body, hdr: hdr}
	la.dropped.Store(0)
	la.armed.Store(lose)
	defer func() { la.armed.Store(false); la.victim.Store(0) }()
	t0 := time.Now()
	defer func() { x.took = time.Since(t0) }()
	for i := 0; i < la.maxTries(); i++ {
		var a attempt
		tctx := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
			if ta, ok := info.Conn.LocalAddr().(*net.TCPAddr); ok {
				a.port = ta.Port
			}
			a.reused = info.Reused
		}})
		lost0, syns0 := la.linkLoss()
		rule0 := la.dropped.Load()
		start := time.Now()
		rep, err := c.send(tctx, method, path, body, hdr...)
		a.rep, a.err, a.elapsed = rep, err, time.Since(start)
		lost1, syns1 := la.linkLoss()
		a.linkLost, a.synsLost, a.ruleLost = lost1-lost0, syns1-syns0, la.dropped.Load()-rule0
		x.tries = append(x.tries, a)
		if ctx.Err() != nil {
			return x, ctx.Err()
		}
		if err == nil {
			return x, nil
		}
		// No response (a timeout, or a connection that broke): try again
		// on a new connection.
		la.victim.Store(0) // the client gave up on that connection
	}
	x.gaveUp = true
	return x, nil
}

// showCompact narrates an exchange that needed one try as one line, and
// any other as show does.
func (la *labAPI) showCompact(x *exchange) {
	if len(x.tries) == 1 && x.tries[0].err == nil {
		c := &client{r: la.r, base: labBase}
		c.narrate(x.method, x.path, x.body, x.hdr, x.tries[0].rep)
		la.event(x)
		return
	}
	la.show(x)
}

// show narrates an exchange, one line per try.
func (la *labAPI) show(x *exchange) {
	r := la.r
	c := &client{r: r, base: labBase}
	for i, a := range x.tries {
		conn := fmt.Sprintf(r.T("client port %d, new connection", "客户端端口 %d，新连接"), a.port)
		switch {
		case a.port == 0:
			conn = r.T("no connection set up", "连接没有建立")
		case a.reused:
			conn = fmt.Sprintf(r.T("client port %d, kept-alive connection", "客户端端口 %d，复用的 keep-alive 连接"), a.port)
		}
		if a.err == nil {
			r.Printf(r.T("  try %d (%s), answered after %d ms:", "  第 %d 次（%s），%d ms 后得到响应："),
				i+1, conn, a.elapsed.Milliseconds())
			c.narrate(x.method, x.path, x.body, x.hdr, a.rep)
			continue
		}
		why := r.T("no response", "仍没有响应")
		var ne net.Error
		if !errors.As(a.err, &ne) || !ne.Timeout() {
			why = fmt.Sprintf(r.T("error %q", "出错：%q"), errorText(a.err))
		}
		var line string
		if r.Lang == "zh" {
			line = fmt.Sprintf("  第 %d 次（%s）：%s %s  →  %d ms 后%s", i+1, conn, x.method, x.path, a.elapsed.Milliseconds(), why)
		} else {
			line = fmt.Sprintf("  try %d (%s): %s %s  →  %s after %d ms", i+1, conn, x.method, x.path, why, a.elapsed.Milliseconds())
		}
		if a.ruleLost > 0 {
			line += fmt.Sprintf(r.T("; the demo dropped the %d server→client frames of the response", "；演示程序丢弃了响应的 %d 个服务器→客户端帧"), a.ruleLost)
		}
		if a.linkLost > 0 {
			line += fmt.Sprintf(r.T("; the link's random loss dropped %d frame(s) meanwhile", "；其间链路的随机丢包丢掉了 %d 个帧"), a.linkLost)
			if a.synsLost > 0 {
				line += fmt.Sprintf(r.T(", %d of them SYN or SYN-ACK (TCP resends those only after 1 s)", "，其中 %d 个是 SYN 或 SYN-ACK（TCP 要 1 s 后才重发）"), a.synsLost)
			}
		}
		r.Printf("%s", line)
	}
	frames, timedOut := x.linkLost()
	switch {
	case x.gaveUp:
		r.Printf(r.T("  gave up after %d tries and %.1f s: the link (--loss %g%%) lost %d frames, and %d tries timed out because of it",
			"  尝试 %d 次、%.1f s 后放弃：链路（--loss %g%%）丢掉了 %d 个帧，其中 %d 次尝试因此超时"),
			len(x.tries), x.took.Seconds(), r.Link.Loss*100, frames, timedOut)
	case frames > 0 && timedOut > 0:
		r.Printf(r.T("  the link's random loss (--loss %g%%) dropped %d frame(s) of this request, and %d of its tries timed out because of it",
			"  链路的随机丢包（--loss %g%%）丢掉了这个请求的 %d 个帧，其中 %d 次尝试因此超时"),
			r.Link.Loss*100, frames, timedOut)
	case frames > 0:
		r.Printf(r.T("  the link's random loss (--loss %g%%) dropped %d frame(s) of this request; TCP retransmitted them within the client timeout",
			"  链路的随机丢包（--loss %g%%）丢掉了这个请求的 %d 个帧；TCP 在客户端超时之前重传了它们"),
			r.Link.Loss*100, frames)
	}
	la.event(x)
}

// event reports an exchange under --json.
func (la *labAPI) event(x *exchange) {
	frames, timedOut := x.linkLost()
	la.r.Event("lab_exchange", map[string]any{"method": x.method, "path": x.path, "tries": len(x.tries), "gave_up": x.gaveUp,
		"link_lost_frames": frames, "timed_out_by_loss": timedOut, "took_ms": x.took.Milliseconds()})
}

// carriesDataTo reports whether the IPv4 packet pkt is a TCP segment with
// payload for port: the server's response bytes to the victim's connection.
// Segments without payload pass; anything that does not decode is not the
// victim's.
func carriesDataTo(pkt []byte, port uint32) bool {
	p, err := packet.Decode(pkt)
	return err == nil && p.Proto == packet.TCP && len(p.Payload) > 0 && uint32(p.DstPort) == port
}
