package deploy

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/netdemo/netdemo/demos/deploy/deploy/cgiwire"
	"github.com/netdemo/netdemo/demos/deploy/deploy/fastcgi"
	"github.com/netdemo/netdemo/demos/deploy/deploy/uwsgi"
	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
	"github.com/netdemo/netdemo/internal/netx"
)

// formBody is the body every gateway request carries.
const formBody = "qty=2&item=tea"

var formHeader = http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}

// showCGI sends requests to the CGI script through the proxy.
func showCGI(ctx context.Context, r *demo.Run, c *chain) error {
	r.Step("cgi", r.T("CGI: a new process for every request", "CGI：每个请求一个新进程"))
	cl := newClient(nil)
	defer cl.CloseIdleConnections()
	const n = 3
	var envs []cgiEnv
	for i := 0; i < n; i++ {
		code, b, _, err := do(ctx, cl, "POST", "http://"+c.addr+cgiRoot+"/orders/7?verbose=1", formBody, formHeader)
		if err != nil {
			return fmt.Errorf("asking the CGI script: %w", err)
		}
		if code != http.StatusOK {
			return fmt.Errorf("the CGI script answered %d: %s", code, firstLine(string(b)))
		}
		var e cgiEnv
		if err := json.Unmarshal(b, &e); err != nil {
			return fmt.Errorf("reading the CGI script's report: %w", err)
		}
		envs = append(envs, e)
	}
	e := envs[0]
	r.Printf(r.T("  POST %s/orders/7?verbose=1 with a %d-byte form body. The script (this program, started again by net/http/cgi as %s) received in its environment:",
		"  POST %s/orders/7?verbose=1，带 %d 字节的表单请求体。脚本（就是本程序，由 net/http/cgi 作为 %s 再启动一次）在环境变量里收到："),
		cgiRoot, len(formBody), c.cgi.base.Path)
	var b strings.Builder
	for _, k := range sortedVars(e.Vars) {
		fmt.Fprintf(&b, "%s=%s\n", k, e.Vars[k])
	}
	r.Pre("%s", b.String())
	r.Printf(r.T("  and on stdin the body, %d bytes: %q. It wrote header lines, a blank line and its JSON to stdout.",
		"  并从标准输入读到请求体，%d 字节：%q。它向标准输出写了头部行、一个空行和 JSON。"), e.BodyBytes, e.Body)
	var dups []string
	for _, k := range []string{"HTTP_CONTENT_LENGTH", "HTTP_CONTENT_TYPE"} {
		if _, ok := e.Vars[k]; ok {
			dups = append(dups, k)
		}
	}
	if len(dups) > 0 {
		r.Printf(r.T("  Note %s beside CONTENT_LENGTH and CONTENT_TYPE: Go's net/http/cgi copies every header, though RFC 3875 §4.1.18 says a server SHOULD leave out the headers the script already gets as other variables.",
			"  注意 CONTENT_LENGTH、CONTENT_TYPE 旁边还有 %s：Go 的 net/http/cgi 把每个请求头都复制了一份，而 RFC 3875 §4.1.18 说服务器应当（SHOULD）省略脚本已经通过其他变量拿到的请求头。"),
			strings.Join(dups, r.T(" and ", " 和 ")))
	}
	var pids []string
	distinct := map[int]bool{}
	for _, e := range envs {
		pids = append(pids, fmt.Sprint(e.PID))
		distinct[e.PID] = true
	}
	if len(distinct) == n {
		r.Printf(r.T("  %d requests, answered by %d different processes, %s: each one started, answered one request and exited.",
			"  %d 个请求，由 %d 个不同的进程 %s 应答：每个进程启动、应答一个请求、退出。"), n, len(distinct), strings.Join(pids, r.T(", ", "、")))
	} else {
		r.Printf(r.T("  %d requests, answered by only %d different processes (%s): the operating system reused a process id.",
			"  %d 个请求，只由 %d 个不同的进程应答（%s）：操作系统复用了进程号。"), n, len(distinct), strings.Join(pids, r.T(", ", "、")))
	}
	return nil
}

// showFastCGI sends one request through the proxy to the FastCGI app
// server and lists the records on the socket.
func showFastCGI(ctx context.Context, r *demo.Run, c *chain, res *result) error {
	r.Step("fastcgi", r.T("FastCGI: records on a Unix socket to a persistent app server", "FastCGI：Unix 套接字上发给常驻应用服务器的记录"))
	cl := newClient(nil)
	defer cl.CloseIdleConnections()
	code, body, _, err := do(ctx, cl, "POST", "http://"+c.addr+fcgiRoot+"orders?id=7", formBody, formHeader)
	if err != nil {
		return fmt.Errorf("asking through FastCGI: %w", err)
	}
	if code != http.StatusOK {
		return fmt.Errorf("through FastCGI: %d %s", code, firstLine(string(body)))
	}
	tap := c.fcgiTap.Last()
	if tap == nil {
		return fmt.Errorf("no FastCGI connection was recorded")
	}
	sent, err := fastcgi.Decode(tap.Bytes(netx.ClientToServer))
	if err != nil {
		return fmt.Errorf("decoding what the proxy sent: %w", err)
	}
	recv, err := fastcgi.Decode(tap.Bytes(netx.ServerToClient))
	if err != nil {
		return fmt.Errorf("decoding what the app server sent: %w", err)
	}
	out := tap.Bytes(netx.ClientToServer)
	r.Printf(r.T("  The first 8 bytes on the socket, the header of the first record: %s = version 1, type %d (BEGIN_REQUEST), request id %d, content length %d, padding %d, reserved.",
		"  套接字上的前 8 个字节，也就是第一条记录的头：%s = 版本 1、类型 %d（BEGIN_REQUEST）、请求 id %d、内容长度 %d、填充 %d、保留字节。"),
		hex.EncodeToString(out[:8]), sent[0].Type, sent[0].RequestID, sent[0].ContentLength, sent[0].PaddingLength)
	t := event.NewTable("fastcgi-records", r.T("dir", "方向"), r.T("type", "类型"), r.T("id", "id"), r.T("content|B", "内容|B"), r.T("padding|B", "填充|B"), r.T("what it carries", "内容说明"))
	t.AlignLeft(0, 1, 5)
	counts := map[string]int{}
	stdout := 0 // bytes of STDOUT so far: the CGI headers come first
	for i, rec := range append(sent, recv...) {
		dir := r.T("proxy → app", "代理 → 应用")
		if i >= len(sent) {
			dir = r.T("app → proxy", "应用 → 代理")
		}
		t.Row(dir, rec.Type.String(), int(rec.RequestID), int(rec.ContentLength), int(rec.PaddingLength), fastcgiSummary(r, rec, stdout))
		counts[rec.Type.String()]++
		if rec.Type == fastcgi.TypeStdout {
			stdout += len(rec.Content)
		}
	}
	r.Table(t.Titled(r.T("The records of one request, decoded from the socket's bytes", "一个请求的全部记录，从套接字字节解码")))
	res.FastCGIRecords = counts
	r.Set("fastcgi_record_count", len(sent)+len(recv))
	r.Set("fastcgi_bytes", len(out))
	return nil
}

// fastcgiSummary says in a few words what a record carries; stdout is how
// many STDOUT bytes came before it.
func fastcgiSummary(r *demo.Run, rec fastcgi.Record, stdout int) string {
	switch rec.Type {
	case fastcgi.TypeBeginRequest:
		br, err := fastcgi.ParseBeginRequest(rec.Content)
		if err != nil {
			return err.Error()
		}
		keep := r.T("close the connection after", "之后关闭连接")
		if br.Flags&fastcgi.FlagKeepConn != 0 {
			keep = "KEEP_CONN"
		}
		return fmt.Sprintf(r.T("role %d (RESPONDER), flags %d: %s", "角色 %d（RESPONDER），标志 %d：%s"), br.Role, br.Flags, keep)
	case fastcgi.TypeEndRequest:
		er, err := fastcgi.ParseEndRequest(rec.Content)
		if err != nil {
			return err.Error()
		}
		return fmt.Sprintf(r.T("app status %d, protocol status %d (REQUEST_COMPLETE)", "应用状态 %d，协议状态 %d（REQUEST_COMPLETE）"), er.AppStatus, er.ProtocolStatus)
	}
	if len(rec.Content) == 0 {
		return r.T("empty: end of the "+rec.Type.String()+" stream", "空记录："+rec.Type.String()+" 流结束")
	}
	switch rec.Type {
	case fastcgi.TypeParams:
		pairs, err := fastcgi.ParsePairs(rec.Content)
		if err != nil {
			return err.Error()
		}
		var names []string
		for _, p := range pairs[:min(4, len(pairs))] {
			names = append(names, p.Name+"="+p.Value)
		}
		return fmt.Sprintf(r.T("%d name-value pairs: %s, …", "%d 个名值对：%s，…"), len(pairs), strings.Join(names, ", "))
	case fastcgi.TypeStdout:
		if stdout > 0 {
			return fmt.Sprintf(r.T("more of the response: %q…", "响应的后续部分：%q…"), clip(rec.Content, 32))
		}
		line, _, _ := bytes.Cut(rec.Content, []byte("\r\n"))
		return fmt.Sprintf(r.T("a CGI response (RFC 3875 §6), starting %q", "一个 CGI 响应（RFC 3875 §6），开头是 %q"), line)
	}
	return fmt.Sprintf("%q", clip(rec.Content, 40))
}

func clip(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// showUWSGI sends one request through the proxy to the uwsgi app server,
// shows the packet byte by byte, and a vars block too big to send.
func showUWSGI(ctx context.Context, r *demo.Run, c *chain, res *result) error {
	r.Step("uwsgi", r.T("uwsgi: a 4-byte header and length-prefixed variables", "uwsgi：4 字节头和带长度前缀的变量"))
	cl := newClient(nil)
	defer cl.CloseIdleConnections()
	code, body, _, err := do(ctx, cl, "POST", "http://"+c.addr+uwsgiRoot+"orders?id=7", formBody, formHeader)
	if err != nil {
		return fmt.Errorf("asking through uwsgi: %w", err)
	}
	if code != http.StatusOK {
		return fmt.Errorf("through uwsgi: %d %s", code, firstLine(string(body)))
	}
	tap := c.uwsgiTap.Last()
	if tap == nil {
		return fmt.Errorf("no uwsgi connection was recorded")
	}
	out := tap.Bytes(netx.ClientToServer)
	h, vars, err := uwsgi.ReadPacket(bytes.NewReader(out))
	if err != nil {
		return fmt.Errorf("decoding what the proxy sent: %w", err)
	}
	res.UWSGIHeader = hex.EncodeToString(out[:4])
	var b strings.Builder
	fmt.Fprintf(&b, r.T("% x            modifier1=%d, size=%d (0x%04x, little-endian), modifier2=%d\n", "% x            modifier1=%d，size=%d（0x%04x，小端），modifier2=%d\n"), out[:4], h.Modifier1, h.Size, h.Size, h.Modifier2)
	off := 4
	for _, v := range vars[:min(3, len(vars))] {
		kl, vl := len(v.Name), len(v.Value)
		fmt.Fprintf(&b, "% x | %s | % x | %s\n", out[off:off+2], v.Name, out[off+2+kl:off+4+kl], v.Value)
		off += 4 + kl + vl
	}
	fmt.Fprintf(&b, r.T("… %d more variables, %d bytes of vars in all, then the %d-byte body\n", "… 另外 %d 个变量，变量块共 %d 字节，然后是 %d 字节的请求体\n"), len(vars)-3, h.Size, len(out)-4-int(h.Size))
	r.Printf(r.T("  What the proxy wrote to %s:", "  代理写到 %s 的字节："), c.uwsgiSock)
	r.Pre("%s", b.String())
	back := tap.Bytes(netx.ServerToClient)
	line, _, _ := bytes.Cut(back, []byte("\r\n"))
	r.Printf(r.T("  The app server answered with plain HTTP: %q, headers, the body, then closed the connection.",
		"  应用服务器用普通 HTTP 应答：%q、头部、响应体，然后关闭连接。"), line)
	r.Set("uwsgi_header", res.UWSGIHeader)
	r.Set("uwsgi_size", int(h.Size))

	// A request whose variables do not fit in 65,535 bytes.
	big := strings.Repeat("a", 70000)
	code, body, _, err = do(ctx, cl, "GET", "http://"+c.addr+uwsgiRoot+"orders", "", http.Header{"Cookie": {"session=" + big}})
	if err != nil {
		return fmt.Errorf("sending the oversized request: %w", err)
	}
	r.Printf(r.T("  A request with a 70,000-byte Cookie header (HTTP_COOKIE in the vars): the proxy answered %d: %s",
		"  一个带 70,000 字节 Cookie 头（变量里的 HTTP_COOKIE）的请求：代理回答 %d：%s"), code, firstLine(string(body)))
	_, encErr := uwsgi.EncodeVars([]cgiwire.Var{{Name: "HTTP_COOKIE", Value: "session=" + big}})
	r.Set("uwsgi_too_big", code)
	if encErr != nil {
		r.Set("uwsgi_too_big_error", encErr.Error())
	}
	return nil
}
