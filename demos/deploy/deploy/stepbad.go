package deploy

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
)

// showBadInput sends requests to scripts and peers that break their
// protocol, and checks that the proxy names the problem and goes on.
func showBadInput(ctx context.Context, r *demo.Run, c *chain, res *result) error {
	r.Step("bad-input", r.T("Bad peers: a crashing CGI script, malformed headers, garbage and cut-off records",
		"坏的对端：崩溃的 CGI 脚本、畸形头部、乱码和半截记录"))
	cl := newClient(nil)
	defer cl.CloseIdleConnections()
	cases := []struct{ name, path, en, zh string }{
		{"cgi_crash", badCGICrash, "CGI script exits before any header", "CGI 脚本没写头就退出"},
		{"cgi_malformed", badCGIHeader, "CGI script writes a header line without a colon", "CGI 脚本写出没有冒号的头部行"},
		{"fastcgi_to_http", badFCGIHTTP, "FastCGI sent to an HTTP app server", "把 FastCGI 发给了 HTTP 应用服务器"},
		{"fastcgi_cut", badFCGICut, "FastCGI app server hangs up mid-record", "FastCGI 应用服务器在记录中途挂断"},
		{"uwsgi_cut", badUWSGICut, "uwsgi app server hangs up mid-status-line", "uwsgi 应用服务器在状态行中途挂断"},
	}
	t := event.NewTable("bad-input", r.T("peer", "对端"), r.T("status", "状态"), r.T("what the proxy said", "代理的说明"))
	t.AlignLeft(0, 2)
	for _, bc := range cases {
		code, b, _, err := get(ctx, cl, "http://"+c.addr+bc.path)
		msg := firstLine(string(b))
		if err != nil {
			msg = err.Error()
		}
		t.Row(r.T(bc.en, bc.zh), code, msg)
		res.BadInput = append(res.BadInput, badCase{Case: bc.name, Status: code, Error: msg})
	}

	// Garbage the other way: an HTTP request sent to the uwsgi app server.
	conn, err := net.Dial("unix", c.uwsgiSock)
	if err != nil {
		return fmt.Errorf("connecting to the uwsgi app server: %w", err)
	}
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	buf := make([]byte, 64)
	n, rerr := conn.Read(buf)
	conn.Close()
	what := r.T("the server closed the connection without answering", "服务器没有应答就关闭了连接")
	if n > 0 {
		what = fmt.Sprintf("%q", buf[:n])
	} else if rerr != nil && !strings.Contains(rerr.Error(), "EOF") {
		what = rerr.Error()
	}
	var logged string
	for i := 0; i < 100 && logged == ""; i++ { // the server logs just after it closes
		logged, _ = c.uwsgiErr.Load().(string)
		if logged == "" {
			time.Sleep(time.Millisecond)
		}
	}
	if logged != "" {
		what += r.T("; the server logged: ", "；服务器日志：") + logged
	}
	t.Row(r.T("HTTP sent to the uwsgi app server", "把 HTTP 发给 uwsgi 应用服务器"), nil, what)
	res.BadInput = append(res.BadInput, badCase{Case: "http_to_uwsgi", Error: logged})
	r.Table(t.Titled(r.T("Each answer names what was wrong; nothing panicked", "每个回答都说明了哪里出错；没有任何 panic")))

	_, err = getOK(ctx, cl, "http://"+c.addr+"/")
	ok := err == nil
	r.Set("still_serving", ok)
	if ok {
		r.Printf("%s", r.T("  Afterwards GET / through the same proxy: 200. A broken app server costs its own requests, not the proxy.",
			"  之后通过同一个代理 GET /：200。坏掉的应用服务器只影响发给它的请求，不影响代理。"))
	} else {
		r.Printf(r.T("  Afterwards GET / through the same proxy failed: %v", "  之后通过同一个代理 GET / 失败：%v"), err)
	}
	bad := countStatus(res.BadInput, http.StatusBadGateway)
	r.Set("bad_502", bad)
	r.Set("bad_504", countStatus(res.BadInput, http.StatusGatewayTimeout))
	r.Set("bad_cases", len(res.BadInput))
	return nil
}

func countStatus(cs []badCase, code int) int {
	n := 0
	for _, c := range cs {
		if c.Status == code {
			n++
		}
	}
	return n
}
