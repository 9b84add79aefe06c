package getpost

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/netdemo/netdemo/internal/netx"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/wiretap"
)

// capture sends one request on a fresh connection and returns the bytes the
// client wrote for it (as they left for the socket, recorded by a tap on
// the client's end) and the number of write calls.
func capture(ctx context.Context, la *localAPI, method, path, body string) (reply, []byte, int, error) {
	var tc *wiretap.Conn
	tr := &http.Transport{
		DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			tc = wiretap.Client(c)
			return tc, nil
		},
	}
	defer tr.CloseIdleConnections()
	c := &client{r: la.c.r, base: la.c.base, hc: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
	rep, err := c.do(ctx, method, path, body)
	if err != nil {
		return rep, nil, 0, err
	}
	return rep, tc.Bytes(netx.ClientToServer), tc.Writes(), nil
}

// stepWire: query string vs body, in the bytes and in the access log.
func stepWire(ctx context.Context, r *demo.Run, la *localAPI, res *Result) error {
	r.Step("wire", r.T("Where the data travels: the URL (and its query) vs the body", "数据在哪里：URL（含查询串）与正文"))
	const secret = "token=s3cr3t"
	get, getBytes, _, err := capture(ctx, la, "GET", "/orders?item=book&"+secret, "")
	if err != nil {
		return err
	}
	if err := expect(get, "GET with a query", 200); err != nil {
		return err
	}
	getLog := la.lastLog()
	post, postBytes, postWrites, err := capture(ctx, la, "POST", "/orders", `{"item":"book","qty":3}`)
	if err != nil {
		return err
	}
	if err := expect(post, "POST with a body", 201); err != nil {
		return err
	}
	postLog := la.lastLog()

	showBytes(r, r.T("bytes the client wrote for the GET", "客户端为 GET 写出的字节"), getBytes)
	showBytes(r, r.T("bytes the client wrote for the POST", "客户端为 POST 写出的字节"), postBytes)
	r.Printf("%s", r.T("  the server's access log:", "  服务器的访问日志："))
	r.Printf("    %s", getLog)
	r.Printf("    %s", postLog)

	firstLine := string(getBytes[:max(0, bytes.Index(getBytes, []byte("\r\n")))])
	_, postBody, _ := bytes.Cut(postBytes, []byte("\r\n\r\n"))
	r.Measure("get_request_bytes", len(getBytes), r.T("bytes", "字节"))
	r.Measure("post_request_bytes", len(postBytes), r.T("bytes", "字节"))
	r.Measure("post_body_bytes", len(postBody), r.T("bytes", "字节"))
	r.Measure("post_write_calls", postWrites, r.T("write call(s) for header and body together", "次 write 调用（头部与正文一起）"))
	r.Set("get_request_line", firstLine)
	setBool(r, "query_in_log", strings.Contains(getLog, secret))
	setBool(r, "body_in_log", strings.Contains(postLog, `"qty"`) || strings.Contains(postLog, "qty"))
	r.Set("get_log_line", getLog)
	r.Set("post_log_line", postLog)
	if strings.Contains(getLog, secret) && !strings.Contains(postLog, "qty") {
		r.Printf(r.T("  → the query string (with %s) is in the log line; the POST body is not.",
			"  → 查询串（含 %s）出现在日志里；POST 的正文没有。"), secret)
	}
	return nil
}

// showBytes prints a request as text, with CR LF made visible.
func showBytes(r *demo.Run, title string, b []byte) {
	r.Printf("  %s (%d):", title, len(b))
	for _, line := range strings.SplitAfter(string(b), "\r\n") {
		if line == "" {
			continue
		}
		r.Printf("    %s", fmt.Sprintf("%q", line))
	}
}
