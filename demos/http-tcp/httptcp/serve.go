package httptcp

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/netdemo/netdemo/certs"
	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/netx"
)

// serve keeps the demo's servers up for outside clients (nc, curl):
// HTTP/1.1 and h2c on --addr, HTTPS (h2 or http/1.1 by ALPN) on the next
// port. Every connection and request is logged, so a reader can watch
// keep-alive reuse one connection.
func serve(ctx context.Context, r *demo.Run) error {
	host, portStr, err := net.SplitHostPort(r.Addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", r.Addr, err)
	}
	port, _ := strconv.Atoi(portStr)
	ln, err := listen(ctx, r.Addr)
	if err != nil {
		return err
	}
	tlsAddr := net.JoinHostPort(host, "0")
	if port != 0 && port < 65535 {
		tlsAddr = net.JoinHostPort(host, strconv.Itoa(port+1))
	}
	tln, err := listen(ctx, tlsAddr)
	if err != nil {
		ln.Close()
		return err
	}
	p, err := certs.Demo()
	if err != nil {
		ln.Close()
		tln.Close()
		return fmt.Errorf("making the demo certificates: %w", err)
	}
	rootFile, err := writeRoot(p)
	if err != nil {
		ln.Close()
		tln.Close()
		return err
	}
	defer os.Remove(rootFile)

	log := &connLog{r: r}
	plain := newServer(ln)
	// Outside clients may be slow or hostile: bound how long a connection
	// may take to send its headers.
	plain.srv.ReadHeaderTimeout = 10 * time.Second
	// An idle kept-alive connection is closed after a while, as real
	// servers do; nc then sees the close and exits.
	plain.srv.IdleTimeout = idleTimeout
	plain.srv.Handler = log.wrap(handler())
	plain.srv.ConnContext = log.connContext
	secure := newServer(tln)
	secure.srv.ReadHeaderTimeout = 10 * time.Second
	secure.srv.IdleTimeout = idleTimeout
	secure.srv.Handler = plain.srv.Handler
	secure.srv.ConnContext = log.connContext
	var sp http.Protocols
	sp.SetHTTP1(true)
	sp.SetHTTP2(true)
	secure.srv.Protocols = &sp
	secure.srv.TLSConfig = p.ServerConfig()
	secure.srv.TLSConfig.NextProtos = []string{"h2", "http/1.1"}

	errc := make(chan error, 2)
	go func() { errc <- plain.srv.Serve(ln) }()
	go func() { errc <- secure.srv.ServeTLS(tln, "", "") }()

	a, ta := netx.Bound(r.Addr, ln.Addr()), netx.Bound(r.Addr, tln.Addr())
	_, tport, _ := net.SplitHostPort(ta)
	r.Printf("%s", r.T("Serving (Ctrl-C to stop):", "正在服务（Ctrl-C 停止）："))
	r.Printf("  http://%s   %s", a, r.T("HTTP/1.1 and HTTP/2 cleartext (h2c, prior knowledge)", "HTTP/1.1 和明文 HTTP/2（h2c，客户端须事先知道服务器支持）"))
	r.Printf("  https://%s   %s", ta, r.T("HTTPS: ALPN picks h2 or http/1.1", "HTTPS：ALPN 选 h2 或 http/1.1"))
	r.Printf("%s", r.T("Paths: /  (says which protocol carried it)   /bytes/N  (N bytes of text)", "路径：/（告诉你是哪个协议送来的）   /bytes/N（N 字节文本）"))
	r.Printf("%s", r.T("Try:", "试试："))
	r.Printf("  printf 'GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n' | nc %s   %s", hostPort(a), fmt.Sprintf(r.T("# the connection stays open (keep-alive) until %v idle", "# 连接保持打开（keep-alive），空闲 %v 后关闭"), idleTimeout))
	r.Printf("  curl -v --http1.1 http://%s/ http://%s/bytes/100   %s", a, a, r.T("# two requests, one connection: \"Re-using existing connection\"", "# 两个请求一条连接：\"Re-using existing connection\""))
	r.Printf("  curl -v --http1.1 -H 'Connection: close' http://%s/ http://%s/   %s", a, a, r.T("# two connections", "# 两条连接"))
	r.Printf("  curl -v --http2-prior-knowledge http://%s/ http://%s/bytes/100", a, a)
	r.Printf("  curl -v --cacert %s https://localhost:%s/   %s", rootFile, tport, r.T("# ALPN: h2", "# ALPN：h2"))
	r.Printf("  openssl s_client -alpn h2,http/1.1 -connect 127.0.0.1:%s -CAfile %s", tport, rootFile)
	r.Event("serving", map[string]any{"http": "http://" + a, "https": "https://" + ta, "root_ca": rootFile})

	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	plain.close()
	secure.close()
	if err != nil && !isClosed(err) {
		return fmt.Errorf("serving: %w", err)
	}
	return nil
}

// idleTimeout is how long --serve keeps an idle connection open.
const idleTimeout = 15 * time.Second

// listen binds addr on the kernel, with the error a user can act on.
func listen(ctx context.Context, addr string) (net.Listener, error) {
	ln, err := netx.Loopback.Listen(ctx, "tcp", addr)
	if addrInUse(err) {
		return nil, fmt.Errorf("%s is already in use; pick another with --addr", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", addr, err)
	}
	return ln, nil
}

// addrInUse recognises "address already in use" on every platform: Unix
// reports EADDRINUSE; Windows reports WSAEADDRINUSE (10048), which the
// syscall package has no portable name for.
func addrInUse(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.EADDRINUSE) {
		return true
	}
	var errno syscall.Errno
	return errors.As(err, &errno) && errno == 10048
}

// hostPort turns "127.0.0.1:8000" into "127.0.0.1 8000" for nc.
func hostPort(a string) string {
	h, p, _ := net.SplitHostPort(a)
	return h + " " + p
}

// writeRoot writes the demo root certificate (public, no key) where curl
// and openssl can read it.
func writeRoot(p *certs.PKI) (string, error) {
	f, err := os.CreateTemp("", "netdemo-root-*.pem")
	if err != nil {
		return "", fmt.Errorf("writing the root certificate for curl: %w", err)
	}
	defer f.Close()
	if err := pem.Encode(f, &pem.Block{Type: "CERTIFICATE", Bytes: p.Root.Raw}); err != nil {
		return "", fmt.Errorf("writing the root certificate for curl: %w", err)
	}
	return f.Name(), nil
}

// connLog numbers connections and logs each request with the number of
// the connection that carried it.
type connLog struct {
	r *demo.Run
	n atomic.Int64
}

type connKey struct{}

func (l *connLog) connContext(ctx context.Context, c net.Conn) context.Context {
	id := l.n.Add(1)
	kind := "tcp"
	if _, ok := c.(*tls.Conn); ok {
		kind = "tls"
	}
	l.r.Printf("%s  %s", time.Now().Format("15:04:05.000"), fmt.Sprintf(l.r.T("connection #%d (%s) from %s", "连接 #%d（%s）来自 %s"), id, kind, c.RemoteAddr()))
	l.r.Event("connection", map[string]any{"id": id, "transport": kind, "remote": c.RemoteAddr().String()})
	return context.WithValue(ctx, connKey{}, id)
}

func (l *connLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		id, _ := req.Context().Value(connKey{}).(int64)
		l.r.Printf("%s  %s", time.Now().Format("15:04:05.000"), fmt.Sprintf(l.r.T("  connection #%d: %s %s %s", "  连接 #%d：%s %s %s"), id, req.Method, req.URL.RequestURI(), req.Proto))
		l.r.Event("request", map[string]any{"conn": id, "method": req.Method, "path": req.URL.RequestURI(), "proto": req.Proto})
		h.ServeHTTP(w, req)
	})
}
