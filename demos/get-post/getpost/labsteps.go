package getpost

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/servers/orders"
)

// labSteps are the measurements on the lab, one lab each, started together.
type labSteps struct {
	lostGet     *future[*lostGet]
	lostPost    *future[*lostPost]
	lostKey     *future[*lostPost]
	keyConflict *future[*keyConflict]
}

// startLabSteps starts the labs in step order (--pcap records the first,
// the lost GET), seeded --seed, --seed+1, …, and their measurements in the
// background.
func startLabSteps(ctx context.Context, r *demo.Run) (*labSteps, error) {
	var labs [4]*labAPI
	for i := range labs {
		la, err := startLab(ctx, r, r.Seed+int64(i))
		if err != nil {
			return nil, err
		}
		labs[i] = la
	}
	r.Set("rtt_ms", r.Link.RTT.Milliseconds())
	r.Set("client_timeout_ms", labs[0].timeout.Milliseconds())
	return &labSteps{
		lostGet: measure(func() (*lostGet, error) { return measureLostGet(ctx, labs[0]) }),
		lostPost: measure(func() (*lostPost, error) {
			return measureLostPost(ctx, labs[1], "lost-post", "")
		}),
		lostKey: measure(func() (*lostPost, error) {
			return measureLostPost(ctx, labs[2], "lost-key", fmt.Sprintf("order-%d-1", r.Seed))
		}),
		keyConflict: measure(func() (*keyConflict, error) { return measureKeyConflict(ctx, labs[3]) }),
	}, nil
}

// lostGet: an order is created, then a GET of it loses its response.
type lostGet struct {
	la      *labAPI
	setup   *exchange // creating the order (with a key: safe to retry)
	get     *exchange
	changed bool
}

func measureLostGet(ctx context.Context, la *labAPI) (*lostGet, error) {
	m := &lostGet{la: la}
	var err error
	m.setup, err = la.retrying(ctx, false, "POST", "/orders", `{"item":"atlas","qty":1}`, orders.KeyHeader, fmt.Sprintf("atlas-%d", la.r.Seed))
	if err != nil || m.setup.gaveUp {
		return m, err
	}
	rep := m.setup.last().rep
	if err := expect(rep, "creating an order on the lab", 201); err != nil {
		return m, err
	}
	before, err := orderList(ctx, la.api, "")
	if err != nil {
		return m, err
	}
	if m.get, err = la.retrying(ctx, true, "GET", rep.Header.Get("Location"), ""); err != nil {
		return m, err
	}
	after, err := orderList(ctx, la.api, "")
	if err != nil {
		return m, err
	}
	m.changed = stateString(before) != stateString(after)
	return m, nil
}

func stepLostGet(ctx context.Context, r *demo.Run, ls *labSteps, res *Result) error {
	r.Step("lost-get", r.T("Lost response, GET retried: harmless (idempotent, RFC 9110 §9.2.2)", "响应丢失，重试 GET：无害（幂等，RFC 9110 §9.2.2）"))
	m, err := ls.lostGet.wait(ctx)
	if err != nil {
		return err
	}
	la := m.la
	la.showCompact(m.setup)
	if m.setup.gaveUp {
		r.Printf("%s", r.T("  no order to read: the lossy link lost every try to create it; this step is skipped",
			"  没有可读的订单：有损链路让每次创建尝试都丢失了；跳过这一步"))
		return nil
	}
	la.show(m.get)
	r.Measure("lost_get_tries", len(m.get.tries), "")
	if first := m.get.tries[0]; first.err != nil {
		r.Measure("lost_get_timeout_ms", first.elapsed.Milliseconds(), "ms")
	}
	if !m.get.gaveUp {
		last := m.get.last()
		r.Measure("lost_get_retry_ms", last.elapsed.Milliseconds(), "ms")
		r.Set("lost_get_retry_how", retryHow(r, last))
	}
	setBool(r, "lost_get_changed_state", m.changed)
	return nil
}

// retryHow says what the successful retry took, from what it did: a new
// connection or a kept-alive one, the round trips that makes, and what the
// link lost meanwhile.
func retryHow(r *demo.Run, a attempt) string {
	var s string
	trips := 2
	if a.reused {
		trips = 1
		s = r.T("on a kept-alive connection: the request and its response, one round trip",
			"在复用的 keep-alive 连接上：请求和响应，一个往返")
	} else {
		s = r.T("on a new connection: the TCP handshake, then the request and its response, two round trips",
			"在新连接上：先 TCP 握手，再发请求、收响应，两个往返")
	}
	if rtt := r.Link.RTT; rtt > 0 {
		s += fmt.Sprintf(r.T("; it took %.1f × the %d ms RTT", "；实际用了 %.1f 个 %d ms 的 RTT"), float64(a.elapsed)/float64(rtt), rtt.Milliseconds())
		switch {
		case a.synsLost > 0:
			s += fmt.Sprintf(r.T("; the link lost %d frames meanwhile, %d of them SYN or SYN-ACK, which TCP resends only after 1 s",
				"；其间链路丢掉了 %d 个帧，其中 %d 个是 SYN 或 SYN-ACK，TCP 要 1 s 后才重发"), a.linkLost, a.synsLost)
		case a.linkLost > 0:
			s += fmt.Sprintf(r.T("; the link lost %d frames meanwhile, which TCP retransmitted", "；其间链路丢掉了 %d 个帧，由 TCP 重传"), a.linkLost)
		case a.elapsed > time.Duration(trips+1)*rtt+50*time.Millisecond:
			s += r.T("; nothing was lost: the time beyond the round trips is the hosts' own", "；没有丢包：往返之外的时间花在两端主机上")
		}
	}
	return s
}

// lostPost: a POST (with key, when key is set) loses its response and is
// retried; the store says how many orders that made.
type lostPost struct {
	la     *labAPI
	x      *exchange
	orders int
}

func measureLostPost(ctx context.Context, la *labAPI, item, key string) (*lostPost, error) {
	m := &lostPost{la: la}
	var hdr []string
	if key != "" {
		hdr = []string{orders.KeyHeader, key}
	}
	var err error
	if m.x, err = la.retrying(ctx, true, "POST", "/orders", `{"item":"`+item+`","qty":1}`, hdr...); err != nil {
		return m, err
	}
	m.orders, err = orderCount(ctx, la.api, item)
	return m, err
}

func (m *lostPost) ruleDropped() int64 {
	var n int64
	for _, a := range m.x.tries {
		n += a.ruleLost
	}
	return n
}

func stepLostPost(ctx context.Context, r *demo.Run, ls *labSteps, res *Result) error {
	r.Step("lost-post", r.T("Lost response, POST retried: a duplicate order (not idempotent)", "响应丢失，重试 POST：重复下单（不幂等）"))
	m, err := ls.lostPost.wait(ctx)
	if err != nil {
		return err
	}
	m.la.show(m.x)
	res.RetryWithoutKeyOrders = m.orders
	r.Measure("retry_without_key_orders", m.orders, r.T("orders on the server for one intended order", "个订单（本来只想下一单）"))
	r.Measure("lost_post_dropped_frames", m.ruleDropped(), "")
	return nil
}

func stepLostKey(ctx context.Context, r *demo.Run, ls *labSteps, res *Result) error {
	r.Step("idempotency-key", r.T("Lost response, POST retried with an Idempotency-Key: one order, the response replayed", "响应丢失，带 Idempotency-Key 重试 POST：只有一个订单，响应被重放"))
	m, err := ls.lostKey.wait(ctx)
	if err != nil {
		return err
	}
	m.la.show(m.x)
	res.RetryWithKeyOrders = m.orders
	if !m.x.gaveUp {
		res.KeyReplayed = m.x.last().rep.Header.Get(orders.ReplayedHeader) == "true"
	}
	r.Measure("retry_with_key_orders", m.orders, r.T("order on the server", "个订单"))
	r.Measure("key_replayed", res.KeyReplayed, "")
	setBool(r, "key_replayed", res.KeyReplayed)
	r.Set("idempotency_key", m.x.hdr[1])
	return nil
}

// keyConflict: the same key while the first request still runs → 409; the
// same key with another payload → 422; the order exists once.
type keyConflict struct {
	la                 *labAPI
	first              reply
	busy, again, other *exchange
	orders             int
}

func measureKeyConflict(ctx context.Context, la *labAPI) (*keyConflict, error) {
	k := &keyConflict{la: la}
	// The held request must outwait the server: no short timeout for it,
	// but a lost SYN is tried again after the client timeout rather than
	// after TCP's SYN backoff (1 s, 2 s, 4 s…), so that it reaches the
	// server soon on a lossy link too.
	dial := la.l.Client().Dial
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		for i := 1; ; i++ {
			dctx, cancel := context.WithTimeout(ctx, la.timeout)
			c, err := dial(dctx, network, addr)
			cancel()
			if err == nil || ctx.Err() != nil || i == 10 {
				return c, err
			}
		}
	}}
	defer tr.CloseIdleConnections()
	held := &client{r: la.r, base: labBase, hc: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
	body := `{"item":"slow","qty":1}`
	type out struct {
		rep reply
		err error
	}
	first := make(chan out, 1)
	go func() {
		rep, err := held.send(ctx, "POST", "/orders", body, orders.KeyHeader, la.holdKey)
		first <- out{rep, err}
	}()
	select {
	case <-la.started:
	case f := <-first:
		return k, fmt.Errorf("the first POST with the key ended before the server held it: %d %v", f.rep.Status, f.err)
	case <-ctx.Done():
		return k, ctx.Err()
	case <-time.After(30 * time.Second):
		return k, errors.New("the first request with the key never reached the server")
	}
	var err error
	k.busy, err = la.retrying(ctx, false, "POST", "/orders", body, orders.KeyHeader, la.holdKey)
	la.doRelease()
	if err != nil {
		return k, err
	}
	f := <-first
	if f.err != nil {
		return k, fmt.Errorf("the first POST with the key: %w", f.err)
	}
	k.first = f.rep
	if k.again, err = la.retrying(ctx, false, "POST", "/orders", body, orders.KeyHeader, la.holdKey); err != nil {
		return k, err
	}
	if k.other, err = la.retrying(ctx, false, "POST", "/orders", `{"item":"slow","qty":9}`, orders.KeyHeader, la.holdKey); err != nil {
		return k, err
	}
	k.orders, err = orderCount(ctx, la.api, "slow")
	return k, err
}

// status is the final status of an exchange, 0 when it gave up.
func (x *exchange) status() int {
	if x.gaveUp {
		return 0
	}
	return x.last().rep.Status
}

func stepKeyConflict(ctx context.Context, r *demo.Run, ls *labSteps, res *Result) error {
	r.Step("key-conflict", r.T("Same key while the first is still running: 409; same key, other payload: 422", "第一个请求还在处理时用同一个 key：409；同一个 key、不同内容：422"))
	k, err := ls.keyConflict.wait(ctx)
	if err != nil {
		return err
	}
	la := k.la
	r.Printf(r.T("  the first POST with %s: %s is being processed (held on the server)…", "  带 %s: %s 的第一个 POST 正在处理（在服务器上被挂起）……"), orders.KeyHeader, la.holdKey)
	la.showCompact(k.busy)
	c := &client{r: r, base: labBase}
	c.narrate("POST", "/orders", `{"item":"slow","qty":1}`, []string{orders.KeyHeader, la.holdKey}, k.first)
	la.showCompact(k.again)
	la.showCompact(k.other)
	res.KeyConflictStatus = k.busy.status()
	res.KeyMismatchStatus = k.other.status()
	r.Measure("key_conflict_status", res.KeyConflictStatus, "")
	r.Measure("key_first_status", k.first.Status, "")
	r.Measure("key_again_status", k.again.status(), "")
	setBool(r, "key_again_replayed", !k.again.gaveUp && k.again.last().rep.Header.Get(orders.ReplayedHeader) == "true")
	r.Measure("key_mismatch_status", res.KeyMismatchStatus, "")
	r.Measure("key_conflict_orders", k.orders, r.T("order", "个订单"))
	return nil
}
