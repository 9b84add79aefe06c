package deploy

import (
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"runtime"

	"github.com/netdemo/netdemo/demos/deploy/deploy/fastcgi"
	"github.com/netdemo/netdemo/demos/deploy/deploy/uwsgi"
	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
)

// A timing row's name, as in result.timing.
const (
	rowInProcess = "in_process"
	rowTCP       = "tcp"
	rowUnix      = "unix"
	rowFastCGI   = "fastcgi"
	rowUWSGI     = "uwsgi"
	rowCGI       = "cgi"
	rowPython    = "wsgi_python"
)

// caller makes one request for /hello over one interface.
type caller func(ctx context.Context) error

// timeRow times n requests with 1 client and with 8.
func timeRow(ctx context.Context, n int, call caller) (timing, error) {
	call(ctx) // warm up: the first connection, the first process
	one := measure(ctx, n, 1, call)
	if one.err != nil {
		return timing{}, one.err
	}
	eight := measure(ctx, n, 8, call)
	if eight.err != nil {
		return timing{}, eight.err
	}
	r1, r8 := one.row(), eight.row()
	return timing{P50MS: r1.P50MS, P99MS: r1.P99MS, RPS: r1.RPS, N: r1.N, At8: &r8}, nil
}

// httpCaller GETs /hello from an app server with a keep-alive client.
func httpCaller(cl *http.Client, url string) caller {
	return func(ctx context.Context) error {
		_, err := getOK(ctx, cl, url)
		return err
	}
}

// roundTripCaller sends /hello through a gateway transport (FastCGI, uwsgi).
func roundTripCaller(rt http.RoundTripper) caller {
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, "GET", "http://app.test/hello", nil)
		if err != nil {
			return err
		}
		req.RemoteAddr = "127.0.0.1:1"
		resp, err := rt.RoundTrip(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	}
}

// handlerCaller calls a handler in this process, no socket at all.
func handlerCaller(h http.Handler, path string) caller {
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, "GET", "http://app.test"+path, nil)
		if err != nil {
			return err
		}
		req.RemoteAddr = "127.0.0.1:1"
		w := newBufferedResponse()
		h.ServeHTTP(w, req)
		if w.Status() != http.StatusOK {
			return fmt.Errorf("status %d: %s", w.Status(), firstLine(w.body.String()))
		}
		return nil
	}
}

// showUnixTCP times the same request to the same app over TCP loopback
// and over the Unix socket.
func showUnixTCP(ctx context.Context, r *demo.Run, c *chain, n int, res *result) error {
	r.Step("unix-tcp", r.T("The same request over TCP loopback and over a Unix socket", "同一个请求：走 TCP 回环 vs 走 Unix 套接字"))
	var lc net.ListenConfig
	tl, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("starting the app server on TCP: %w", err)
	}
	ts := serveHTTP(tl, c.app)
	defer ts.Close()
	tcpc, unixc := newClient(nil), newClient(unixDialer(c.appSock))
	defer tcpc.CloseIdleConnections()
	defer unixc.CloseIdleConnections()
	tcp, err := timeRow(ctx, n, httpCaller(tcpc, "http://"+tl.Addr().String()+"/hello"))
	if err != nil {
		return fmt.Errorf("timing TCP: %w", err)
	}
	unix, err := timeRow(ctx, n, httpCaller(unixc, "http://app.test/hello"))
	if err != nil {
		return fmt.Errorf("timing the Unix socket: %w", err)
	}
	res.Timing[rowTCP], res.Timing[rowUnix] = tcp, unix
	t := event.NewTable("unix-tcp", r.T("transport", "传输"), r.T("clients", "客户端数"), "p50|µs", "p99|µs", r.T("requests/s", "请求/秒"))
	t.AlignLeft(0)
	t.Row("TCP 127.0.0.1", 1, us(tcp.P50MS), us(tcp.P99MS), tcp.RPS)
	t.Row("Unix "+r.T("socket", "套接字"), 1, us(unix.P50MS), us(unix.P99MS), unix.RPS)
	t.Row("TCP 127.0.0.1", 8, us(tcp.At8.P50MS), us(tcp.At8.P99MS), tcp.At8.RPS)
	t.Row("Unix "+r.T("socket", "套接字"), 8, us(unix.At8.P50MS), us(unix.At8.P99MS), unix.At8.RPS)
	r.Table(t.Titled(r.T(fmt.Sprintf("GET /hello, %d requests per row, keep-alive", n), fmt.Sprintf("GET /hello，每行 %d 个请求，长连接", n))))
	r.Set("tcp_p50_us", us(tcp.P50MS))
	r.Set("unix_p50_us", us(unix.P50MS))
	note := unixTCPNote(r, tcp, unix)
	r.Set("unix_tcp_note", note)
	r.Printf(r.T("  On this machine %s. %sThat is microseconds per request, next to the milliseconds a Django view with a database query takes: a Unix socket is chosen for its file permissions and for skipping the TCP stack, not because it makes a site fast.",
		"  在这台机器上，%s。%s每个请求差的是微秒级，而一个查数据库的 Django 视图要花毫秒级：选 Unix 套接字是为了文件权限和绕过 TCP 协议栈，而不是因为它能让网站变快。"), note, unixTCPLoadNote(r, tcp, unix))
	return nil
}

// sameWithin is how close two medians must be (as a fraction of TCP's)
// for the demo to call them level rather than name a winner: a few
// hundred requests on a shared machine move a median by about this much.
const sameWithin = 0.10

// unixTCPNote says, from this run's medians, which transport was faster
// and by how much, or that they were level.
func unixTCPNote(r *demo.Run, tcp, unix timing) string {
	diffUS := (tcp.P50MS - unix.P50MS) * 1000
	if tcp.P50MS <= 0 {
		return r.T("the medians were too small to compare", "两者的中位数太小，无法比较")
	}
	rel := diffUS / 1000 / tcp.P50MS
	switch {
	case rel >= sameWithin:
		return r.T(fmt.Sprintf("the Unix socket was %.0f µs (%.0f%%) faster at the median", diffUS, 100*rel),
			fmt.Sprintf("Unix 套接字的中位数快了 %.0f µs（%.0f%%）", diffUS, 100*rel))
	case rel <= -sameWithin:
		return r.T(fmt.Sprintf("TCP was %.0f µs (%.0f%%) faster at the median on this run", -diffUS, -100*rel),
			fmt.Sprintf("这次运行中 TCP 的中位数反而快了 %.0f µs（%.0f%%）", -diffUS, -100*rel))
	default:
		return r.T(fmt.Sprintf("the medians were within %.0f%% of each other (%.1f µs apart): no clear difference on this run", 100*sameWithin, math.Abs(diffUS)),
			fmt.Sprintf("两者的中位数相差不到 %.0f%%（%.1f µs）：这次运行看不出明显差别", 100*sameWithin, math.Abs(diffUS)))
	}
}

// unixTCPLoadNote compares the two transports' throughput with 8 clients,
// which on a busy machine need not follow the one-client medians.
func unixTCPLoadNote(r *demo.Run, tcp, unix timing) string {
	if tcp.At8 == nil || unix.At8 == nil {
		return ""
	}
	t8, u8 := tcp.At8.RPS, unix.At8.RPS
	switch {
	case t8 <= 0 || u8 <= 0:
		return ""
	case u8 >= t8*(1+sameWithin):
		return r.T(fmt.Sprintf("With 8 clients the Unix socket carried %.0f requests/s to TCP's %.0f. ", u8, t8),
			fmt.Sprintf("8 个客户端时，Unix 套接字每秒 %.0f 个请求，TCP 每秒 %.0f 个。", u8, t8))
	case t8 >= u8*(1+sameWithin):
		return r.T(fmt.Sprintf("With 8 clients, though, TCP carried more: %.0f requests/s to the Unix socket's %.0f (the 8 clients and the server share %d CPU cores here, so how they are scheduled can outweigh the transport). ", t8, u8, runtime.NumCPU()),
			fmt.Sprintf("不过 8 个客户端时 TCP 反而更多：每秒 %.0f 个请求，Unix 套接字 %.0f 个（这里 8 个客户端和服务器共用 %d 个 CPU 核，调度的影响可能比传输方式更大）。", t8, u8, runtime.NumCPU()))
	default:
		return r.T(fmt.Sprintf("With 8 clients both carried about the same: %.0f requests/s over the Unix socket, %.0f over TCP. ", u8, t8),
			fmt.Sprintf("8 个客户端时两者差不多：Unix 套接字每秒 %.0f 个请求，TCP %.0f 个。", u8, t8))
	}
}

// timedRow is one row to time: its name, how many requests, how to make one.
type timedRow struct {
	name string
	n    int
	call caller
}

// showTiming fills in the other rows and prints the table.
func showTiming(ctx context.Context, r *demo.Run, c *chain, py *pyServers, n int, res *result) error {
	r.Step("timing", r.T("What each interface costs: in process, HTTP, FastCGI, uwsgi, CGI, Python WSGI",
		"每种接口的开销：进程内、HTTP、FastCGI、uwsgi、CGI、Python WSGI"))
	rows := []timedRow{
		{rowInProcess, n, handlerCaller(c.app, "/hello")},
		{rowFastCGI, n, roundTripCaller(&fastcgi.Transport{Dial: unixDialer(c.fcgiSock)})},
		{rowUWSGI, n, roundTripCaller(&uwsgi.Transport{Dial: unixDialer(c.uwsgiSock)})},
		{rowCGI, max(n/10, 10), handlerCaller(c.cgi, cgiRoot+"/hello")},
	}
	if py != nil && py.wsgi != nil {
		pc := newClient(unixDialer(py.wsgi.sock))
		defer pc.CloseIdleConnections()
		rows = append(rows, timedRow{rowPython, max(n/2, 10), httpCaller(pc, "http://app.test/hello")})
	}
	for i, row := range rows {
		r.Progress(r.T("timing "+row.name, "计时 "+row.name), i, len(rows))
		tm, err := timeRow(ctx, row.n, row.call)
		if err != nil {
			r.ProgressDone()
			return fmt.Errorf("timing %s: %w", row.name, err)
		}
		res.Timing[row.name] = tm
	}
	r.ProgressDone()
	labels := map[string]string{
		rowInProcess: r.T("in process (a function call)", "进程内（函数调用）"),
		rowTCP:       r.T("HTTP, TCP 127.0.0.1", "HTTP，TCP 127.0.0.1"),
		rowUnix:      r.T("HTTP, Unix socket", "HTTP，Unix 套接字"),
		rowFastCGI:   r.T("FastCGI, Unix socket", "FastCGI，Unix 套接字"),
		rowUWSGI:     r.T("uwsgi, Unix socket", "uwsgi，Unix 套接字"),
		rowCGI:       r.T("CGI (a process per request)", "CGI（每个请求一个进程）"),
		rowPython:    r.T("Python WSGI (wsgiref), Unix socket", "Python WSGI（wsgiref），Unix 套接字"),
	}
	t := event.NewTable("timing", r.T("interface", "接口"), r.T("requests", "请求数"),
		r.T("p50, 1 client|µs", "p50，1 客户端|µs"), r.T("p99, 1 client|µs", "p99，1 客户端|µs"), r.T("req/s, 1 client", "请求/秒，1 客户端"),
		r.T("p50, 8 clients|µs", "p50，8 客户端|µs"), r.T("p99, 8 clients|µs", "p99，8 客户端|µs"), r.T("req/s, 8 clients", "请求/秒，8 客户端"))
	t.AlignLeft(0)
	for _, name := range []string{rowInProcess, rowTCP, rowUnix, rowFastCGI, rowUWSGI, rowCGI, rowPython} {
		tm, ok := res.Timing[name]
		if !ok {
			continue
		}
		t.Row(labels[name], tm.N, us(tm.P50MS), us(tm.P99MS), tm.RPS, us(tm.At8.P50MS), us(tm.At8.P99MS), tm.At8.RPS)
	}
	r.Table(t.Titled(r.T("GET /hello straight to each app server (no proxy in front): the cost of the interface alone",
		"GET /hello 直接发给各个应用服务器（前面没有代理）：只看接口本身的开销")))
	cgiT, unixT := res.Timing[rowCGI], res.Timing[rowUnix]
	r.Set("cgi_p50_ms", cgiT.P50MS)
	r.Set("cgi_rps", cgiT.RPS)
	ratio := "—"
	if unixT.P50MS > 0 {
		ratio = fmt.Sprintf("%.0f", cgiT.P50MS/unixT.P50MS)
	}
	r.Set("cgi_vs_unix", ratio)
	r.Printf(r.T("  CGI's median of %.2f ms is the price of starting a process (fork, exec, the Go runtime starting, exit) for every request; the persistent app servers pay it once.",
		"  CGI 的中位数 %.2f ms，是每个请求都要启动一个进程（fork、exec、Go 运行时启动、退出）的代价；常驻的应用服务器只付一次。"), cgiT.P50MS)
	if _, ok := res.Timing[rowPython]; !ok {
		r.Printf("%s", r.T("  (No Python WSGI row: python3 did not run in this run.)", "  （没有 Python WSGI 这一行：本次运行没有 python3。）"))
	}
	return nil
}
