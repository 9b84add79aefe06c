package deploy

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptrace"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
)

// showChain sends one request through the chain and shows both hops and
// the request as the app received it.
func showChain(ctx context.Context, r *demo.Run, c *chain, res *result) error {
	r.Step("chain", r.T("Two hops: client → proxy over TCP, proxy → app server over a Unix socket",
		"两跳：客户端 → 代理走 TCP，代理 → 应用服务器走 Unix 套接字"))
	var local, remote string
	trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
		local, remote = i.Conn.LocalAddr().String(), i.Conn.RemoteAddr().String()
	}}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), "GET", "http://"+c.addr+"/orders?id=7", nil)
	if err != nil {
		return err
	}
	cl := newClient(nil)
	defer cl.CloseIdleConnections()
	resp, err := cl.Do(req)
	if err != nil {
		return fmt.Errorf("asking the proxy: %w", err)
	}
	defer resp.Body.Close()
	s, err := decodeSeen(resp.Body)
	if err != nil {
		return err
	}
	n, plocal, ppeer := c.hop2.get()
	if n == 0 {
		return fmt.Errorf("the proxy answered without connecting to the app server")
	}
	if plocal == "" || plocal == "@" {
		plocal = r.T("(unnamed: a client's Unix socket has no address)", "（无名：客户端的 Unix 套接字没有地址）")
	}
	t := event.NewTable("hops", r.T("hop", "跳"), r.T("from", "从"), r.T("to", "到"), r.T("transport", "传输"), r.T("connection", "连接")).
		Titled(r.T("The two connections of one request", "一个请求的两条连接"))
	t.AlignLeft(1, 2, 3, 4)
	t.Row(1, r.T("client", "客户端"), r.T("proxy", "代理"), "TCP", local+" → "+remote)
	t.Row(2, r.T("proxy", "代理"), r.T("app server", "应用服务器"), "Unix", plocal+" → "+ppeer)
	r.Table(t)
	res.Hops = []hop{
		{From: "client", To: "proxy", Transport: "tcp", Addr: remote},
		{From: "proxy", To: "app", Transport: "unix", Addr: ppeer},
	}
	r.Printf(r.T("  The socket file is %s, in a directory only this user can open (mode 0700).",
		"  套接字文件是 %s，所在目录只有当前用户能进入（权限 0700）。"), c.appSock)

	var hdr bytes.Buffer
	fmt.Fprintf(&hdr, "GET %s HTTP/1.1\nHost: %s\n", s.Path+"?id=7", s.Host)
	for _, h := range [][2]string{{"X-Forwarded-For", s.XForwardedFor}, {"X-Forwarded-Proto", s.XForwardedProto}, {"X-Forwarded-Host", s.XForwardedHost}, {"Via", s.Via}} {
		if h[1] != "" {
			fmt.Fprintf(&hdr, "%s: %s\n", h[0], h[1])
		}
	}
	r.Printf("%s", r.T("  The request as the app received it (the headers the proxy added):", "  应用收到的请求（代理加上的请求头）："))
	r.Pre("%s", hdr.String())
	peer := s.RemoteAddr
	if peer == "" || peer == "@" {
		r.Printf(r.T("  The app's own socket names no client at all (remote address %q: the proxy's end of a Unix socket has no address). Without X-Forwarded-For the app would log nothing useful; with it, it logs %s, the client the proxy saw.",
			"  应用自己的套接字根本说不出客户端是谁（远端地址 %q：代理那一端的 Unix 套接字没有地址）。没有 X-Forwarded-For，应用日志里没有有用的客户端地址；有了它，日志记下 %s，也就是代理看到的客户端。"), peer, s.XForwardedFor)
	} else {
		r.Printf(r.T("  Without X-Forwarded-For the app would log %s (the proxy, its socket's peer); with it, %s (the client the proxy saw).",
			"  没有 X-Forwarded-For，应用会把 %s（代理，也就是它套接字的对端）记为客户端；有了它，记下 %s（代理看到的客户端）。"), peer, s.XForwardedFor)
	}
	res.Forwarded = forwarded{XForwardedFor: s.XForwardedFor, XForwardedProto: s.XForwardedProto, XForwardedHost: s.XForwardedHost, Via: s.Via, AppRemoteAddr: s.RemoteAddr}
	r.Set("client_addr", local)
	r.Set("proxy_addr", remote)
	r.Set("app_sock", c.appSock)
	return nil
}

// showStatic fetches the static file through the proxy and counts what
// reached the app.
func showStatic(ctx context.Context, r *demo.Run, c *chain, res *result) error {
	r.Step("static", r.T("The proxy serves /static/ itself", "代理自己提供 /static/"))
	cl := newClient(nil)
	defer cl.CloseIdleConnections()
	before := c.app.requests.Load()
	const n = 5
	var size int
	for i := 0; i < n; i++ {
		b, err := getOK(ctx, cl, "http://"+c.addr+staticFile)
		if err != nil {
			return fmt.Errorf("fetching the static file: %w", err)
		}
		size = len(b)
	}
	if _, err := getOK(ctx, cl, "http://"+c.addr+"/"); err != nil {
		return fmt.Errorf("asking the app: %w", err)
	}
	reached := c.app.static.Load()
	delta := c.app.requests.Load() - before
	r.Printf(r.T("  %d × GET %s: 200, %d bytes each, from the proxy's disk. Then 1 × GET /.",
		"  %d 次 GET %s：200，每次 %d 字节，来自代理的磁盘。然后 1 次 GET /。"), n, staticFile, size)
	r.Measure("static_reached_app", reached, r.T("static requests that reached the app", "个静态请求到达了应用"))
	r.Printf(r.T("  The app counted %d request(s) in all during these %d: %s.", "  在这 %[2]d 个请求里，应用一共数到 %[1]d 个：%[3]s。"),
		delta, n+1, staticVerdict(r, reached, delta))
	res.StaticReachedApp = reached
	return nil
}

func staticVerdict(r *demo.Run, reached, delta int64) string {
	if reached == 0 && delta == 1 {
		return r.T("only the GET /, so a worker never spent time on a file", "只有那个 GET /，工作进程从没为文件花过时间")
	}
	return r.T("more than the one dynamic request: static files reached the app", "不止那一个动态请求：静态文件到达了应用")
}
