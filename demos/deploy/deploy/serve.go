package deploy

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/netdemo/netdemo/certs"
	"github.com/netdemo/netdemo/internal/demo"
)

// serve keeps the whole chain up on 127.0.0.1 for curl: the proxy on
// r.Addr (HTTPS on the next port), the app servers on their Unix sockets.
func serve(ctx context.Context, r *demo.Run) error {
	host, portStr, err := net.SplitHostPort(r.Addr)
	if err != nil {
		return &demo.UsageError{Msg: fmt.Sprintf("--addr %q is not host:port", r.Addr)}
	}
	pn, _ := strconv.Atoi(portStr)
	tlsAddr := net.JoinHostPort(host, "0")
	if pn > 0 {
		tlsAddr = net.JoinHostPort(host, strconv.Itoa(pn+1))
	}
	dir, err := newSockDir()
	if err != nil {
		return err
	}
	r.OnClose(func() { dir.Remove() })
	c, err := startChain(ctx, dir, r.Addr, tlsAddr)
	if err != nil {
		return err
	}
	r.OnClose(c.Close)
	py := startPython(ctx, dir)
	r.OnClose(py.Close)
	if py.wsgi != nil {
		c.python.set(c.proxy.gateway("wsgiref", "unix:"+py.wsgi.sock, httpTransport(unixDialer(py.wsgi.sock))))
	}
	if py.flask != nil {
		c.flask.set(c.proxy.gateway("flask", "unix:"+py.flask.sock, httpTransport(unixDialer(py.flask.sock))))
	}
	// The root of this process's demo PKI, for curl --cacert.
	root := filepath.Join(dir.Path, "root.pem")
	if err := os.WriteFile(root, certs.PEM(c.pki.Root), 0o600); err != nil {
		return fmt.Errorf("writing the root certificate: %w", err)
	}
	base := "http://" + c.addr
	r.Printf(r.T("The chain is up (Ctrl-C to stop): the proxy on %s, HTTPS on %s, the app servers in %s. Try:",
		"整条链路已启动（Ctrl-C 停止）：代理在 %s，HTTPS 在 %s，应用服务器在 %s。试试："), c.addr, c.tlsAddr, dir.Path)
	cmds := []struct{ cmd, en, zh string }{
		{"curl -si " + base + "/", "through the proxy: the app's report, with X-Forwarded-For and Via", "经过代理：应用的报告，带 X-Forwarded-For 和 Via"},
		{"curl -s --unix-socket " + c.appSock + " http://app/", "straight to the app server's Unix socket: no forwarded headers", "直接连应用服务器的 Unix 套接字：没有转发头"},
		{"curl -si " + base + staticFile, "served by the proxy from disk; the app never sees it", "由代理从磁盘提供；应用看不到"},
		{"curl -s --cacert " + root + " https://localhost:" + port(c.tlsAddr) + "/", "HTTPS to the proxy, plain HTTP behind it (X-Forwarded-Proto: https)", "到代理是 HTTPS，后面是明文 HTTP（X-Forwarded-Proto: https）"},
		{"curl -s -d qty=2 '" + base + cgiRoot + "/orders?x=1'", "CGI: a new process answers with the variables it got", "CGI：新进程应答，列出它收到的变量"},
		{"curl -s -d qty=2 " + base + fcgiRoot + "orders", "FastCGI to the net/http/fcgi app server", "FastCGI 发给 net/http/fcgi 应用服务器"},
		{"curl -s -d qty=2 " + base + uwsgiRoot + "orders", "uwsgi to the uwsgi app server", "uwsgi 发给 uwsgi 应用服务器"},
		{"curl -s " + base + badCGICrash, "a crashing CGI script: 502 naming the problem", "崩溃的 CGI 脚本：502，并说明问题"},
	}
	if py.wsgi != nil {
		cmds = append(cmds, struct{ cmd, en, zh string }{"curl -s " + base + pythonRoot, "the Python WSGI app under wsgiref", "wsgiref 里的 Python WSGI 应用"})
	} else {
		r.Printf(r.T("  (Python WSGI: %s)", "  （Python WSGI：%s）"), py.wsgiMissing)
	}
	if py.flask != nil {
		cmds = append(cmds, struct{ cmd, en, zh string }{"curl -s " + base + flaskRoot, "the Flask app: see who called app.wsgi_app", "Flask 应用：看是谁调用了 app.wsgi_app"})
	}
	for _, cm := range cmds {
		r.Printf("  %s\n    → %s", cm.cmd, r.T(cm.en, cm.zh))
	}
	// Announced last, so that a reader of --json has the commands too.
	r.Event("listening", map[string]any{"addr": c.addr, "tls_addr": c.tlsAddr, "socket_dir": dir.Path})
	<-ctx.Done()
	return nil
}
