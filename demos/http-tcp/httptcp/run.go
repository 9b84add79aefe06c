package httptcp

import (
	"context"
	"fmt"
	"math"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/tap"
)

// result is the contract of the demo's last JSON line.
type result struct {
	RawRequestBytes      int            `json:"raw_request_bytes"`
	KeepaliveConnections int            `json:"keepalive_connections"`
	CloseConnections     int            `json:"close_connections"`
	KeepaliveMs          float64        `json:"keepalive_ms"`
	CloseMs              float64        `json:"close_ms"`
	H2Connections        int            `json:"h2_connections"`
	H2Streams            int            `json:"h2_streams"`
	H2Frames             map[string]int `json:"h2_frames"`
}

// requests is how many requests the keep-alive and HTTP/2 steps send.
const requests = 5

func run(ctx context.Context, r *demo.Run) error {
	l, err := r.NewLab()
	if err != nil {
		return err
	}
	tb, err := newLabTestbed(ctx, l)
	if err != nil {
		return err
	}
	r.OnClose(tb.close)
	var res result

	r.Step("bytes", r.T("HTTP/1.1 by hand: bytes on a TCP socket", "手写 HTTP/1.1：TCP 套接字上的字节"))
	n0 := len(tb.wire.rec.Frames())
	raw, err := speakRaw(ctx, tb, rawRequests(serverName))
	if err != nil {
		return fmt.Errorf("speaking HTTP/1.1 by hand: %w", err)
	}
	res.RawRequestBytes = len(raw.Request)
	showRaw(r, raw)
	// The connection's segments as a frame list (a ladder on the web).
	fl := tap.Event("bytes", r.T("the TCP segments of the exchange", "这次交互的 TCP 段"), tb.wire.rec.Frames()[n0:])
	fl.Summarize = true
	r.Frames(fl)

	r.Step("keepalive", r.T("Keep-alive: 5 requests on 1 connection, or on 5", "keep-alive：5 个请求用 1 条连接，还是 5 条"))
	cmp, err := compareKeepAlive(ctx, tb, requests, "/", demo.ParamsOf[*params](r).Rounds)
	if err != nil {
		return err
	}
	ka, cl := median(cmp.KeepAlive), median(cmp.Close)
	res.KeepaliveConnections, res.CloseConnections = ka.connections(true), cl.connections(true)
	res.KeepaliveMs, res.CloseMs = ms(ka.Total), ms(cl.Total)
	showKeepAlive(r, cmp, ka, cl)

	r.Step("h2", r.T("HTTP/2 over TLS: 5 requests as streams of 1 connection", "HTTP/2 over TLS：5 个请求是 1 条连接上的 5 个流"))
	h2, err := fetchConcurrent(ctx, tb, true, h2Paths)
	if err != nil {
		return fmt.Errorf("HTTP/2 over TLS: %w", err)
	}
	if h2.ALPN != "h2" {
		return fmt.Errorf("HTTP/2 over TLS: ALPN chose %q, want h2", h2.ALPN)
	}
	res.H2Connections, res.H2Streams, res.H2Frames = h2.connections(true), len(h2.Exchange.Streams()), h2.Exchange.Counts()
	showH2(r, h2)

	r.Step("hpack", r.T("HPACK: the second request's headers shrink", "HPACK：第二个请求的头部变小了"))
	if err := showHPACK(r, h2); err != nil {
		return err
	}

	r.Step("h2c", r.T("The same without TLS: h2c with prior knowledge", "去掉 TLS：h2c，凭事先知道（prior knowledge）"))
	h2c, err := fetchConcurrent(ctx, tb, false, h2Paths)
	if err != nil {
		return fmt.Errorf("HTTP/2 in cleartext (h2c): %w", err)
	}
	showH2C(r, h2, h2c)

	r.Result(res)
	return nil
}

// ms rounds a duration to a tenth of a millisecond.
func ms[D ~int64](d D) float64 {
	return math.Round(float64(d)/1e5) / 10
}
