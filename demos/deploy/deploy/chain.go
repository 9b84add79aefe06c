package deploy

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/fcgi"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netdemo/netdemo/certs"
	"github.com/netdemo/netdemo/demos/deploy/deploy/fastcgi"
	"github.com/netdemo/netdemo/demos/deploy/deploy/uwsgi"
	"github.com/netdemo/netdemo/internal/wiretap"
)

// chain is the whole deployment on this machine: the reverse proxy on
// 127.0.0.1 (plain and TLS), and behind it the app server on a Unix socket,
// a CGI script, a FastCGI app server and a uwsgi app server, all running
// the same application.
type chain struct {
	closers
	dir   *sockDir
	app   *app
	proxy *proxy
	pki   *certs.PKI

	addr    string // the proxy, plain HTTP
	tlsAddr string // the proxy, HTTPS

	appSock, fcgiSock, uwsgiSock string
	appBackend                   *backend
	cgi                          *cgiGateway
	fcgiTap, uwsgiTap            tapLog
	hop2                         connLog      // the proxy's connections to the app server
	uwsgiErr                     atomic.Value // the last error the uwsgi app server logged
	python                       swapHandler
	flask                        swapHandler
}

// Paths where the proxy mounts each gateway.
const (
	cgiRoot    = "/cgi-bin/env"
	fcgiRoot   = "/fcgi/"
	uwsgiRoot  = "/uwsgi/"
	pythonRoot = "/wsgi/"
	flaskRoot  = "/flask/"
	staticFile = "/static/app.css"
)

// staticCSS is the one static file; its size shows in the run.
const staticCSS = "body { font-family: sans-serif; }\n"

// startChain starts everything in dir; the proxy listens on addr and
// tlsAddr (127.0.0.1 ports, 0 for any free one).
func startChain(ctx context.Context, dir *sockDir, addr, tlsAddr string) (c *chain, err error) {
	c = &chain{dir: dir, app: newApp("app-1")}
	defer func() {
		if err != nil {
			c.Close()
		}
	}()
	static := filepath.Join(dir.Path, "static")
	if err := os.MkdirAll(static, 0o700); err != nil {
		return nil, fmt.Errorf("making the static directory: %w", err)
	}
	if err := os.WriteFile(filepath.Join(static, "app.css"), []byte(staticCSS), 0o600); err != nil {
		return nil, fmt.Errorf("writing the static file: %w", err)
	}

	// The app server: HTTP on a Unix socket.
	c.appSock = dir.Sock("app")
	l, err := listenUnix(c.appSock)
	if err != nil {
		return nil, fmt.Errorf("starting the app server: %w", err)
	}
	s := serveHTTP(l, c.app)
	c.add(s.Close)

	// The same application as a FastCGI app server (net/http/fcgi) and a
	// uwsgi app server (package uwsgi).
	c.fcgiSock = dir.Sock("fcgi")
	fl, err := listenUnix(c.fcgiSock)
	if err != nil {
		return nil, fmt.Errorf("starting the FastCGI app server: %w", err)
	}
	fdone := make(chan struct{})
	go func() { defer close(fdone); fcgi.Serve(fl, c.app) }()
	c.add(func() { fl.Close(); <-fdone })

	c.uwsgiSock = dir.Sock("uwsgi")
	ul, err := listenUnix(c.uwsgiSock)
	if err != nil {
		return nil, fmt.Errorf("starting the uwsgi app server: %w", err)
	}
	us := &uwsgi.Server{Handler: c.app, ErrorLog: func(err error) { c.uwsgiErr.Store(err.Error()) }}
	udone := make(chan struct{})
	go func() { defer close(udone); us.Serve(ul) }()
	c.add(func() { ul.Close(); <-udone })

	// The proxy.
	c.proxy = newProxy(proxyConfig{StaticDir: static})
	c.appBackend = c.proxy.add("app-1", "unix:"+c.appSock, httpTransport(c.hop2.wrap(unixDialer(c.appSock))))
	c.cgi, err = newCGIGateway(ctx, childCGI, cgiRoot)
	if err != nil {
		return nil, err
	}
	c.proxy.route(cgiRoot, c.cgi)
	c.proxy.route(fcgiRoot, c.proxy.gateway("fastcgi", "unix:"+c.fcgiSock,
		&fastcgi.Transport{Dial: unixDialer(c.fcgiSock), Tap: c.fcgiTap.wrap}))
	c.proxy.route(uwsgiRoot, c.proxy.gateway("uwsgi", "unix:"+c.uwsgiSock,
		&uwsgi.Transport{Dial: unixDialer(c.uwsgiSock), Tap: c.uwsgiTap.wrap}))
	c.proxy.route(pythonRoot, &c.python)
	c.proxy.route(flaskRoot, &c.flask)
	if err := c.mountBadPeers(ctx); err != nil {
		return nil, err
	}

	var lc net.ListenConfig
	pl, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("starting the proxy on %s: %w", addr, err)
	}
	c.addr = pl.Addr().String()
	c.add(serveHTTP(pl, c.proxy).Close)

	c.pki, err = certs.Demo()
	if err != nil {
		return nil, fmt.Errorf("making the demo certificates: %w", err)
	}
	tl, err := lc.Listen(ctx, "tcp", tlsAddr)
	if err != nil {
		return nil, fmt.Errorf("starting the TLS proxy on %s: %w", tlsAddr, err)
	}
	c.tlsAddr = tl.Addr().String()
	c.add(serveHTTP(tls.NewListener(tl, c.pki.ServerConfig()), c.proxy).Close)
	return c, nil
}

// mountBadPeers puts the misbehaving scripts and peers behind /bad/.
func (c *chain) mountBadPeers(ctx context.Context) error {
	for _, b := range []struct{ root, mode string }{{badCGICrash, "crash"}, {badCGIHeader, "malformed"}} {
		g, err := newCGIGateway(ctx, childCGIBad, b.root, b.mode)
		if err != nil {
			return err
		}
		c.proxy.route(b.root, g)
	}
	// FastCGI sent to an HTTP server: the classic misconfiguration
	// (fastcgi_pass to the port of an HTTP app server).
	// The HTTP server waits for a line end that FastCGI's binary records
	// never send, so the proxy's read timeout decides.
	wrong := c.proxy.gateway("fastcgi-to-http", "unix:"+c.appSock, &fastcgi.Transport{Dial: unixDialer(c.appSock)})
	wrong.timeout = 300 * time.Millisecond
	c.proxy.route(badFCGIHTTP, wrong)
	for _, b := range []struct {
		root, name string
		serve      func(net.Listener)
		rt         func(dialer) http.RoundTripper
	}{
		{badFCGICut, "bad-fcgi", serveCutFastCGI, func(d dialer) http.RoundTripper { return &fastcgi.Transport{Dial: d} }},
		{badUWSGICut, "bad-uwsgi", serveCutUWSGI, func(d dialer) http.RoundTripper { return &uwsgi.Transport{Dial: d} }},
	} {
		sock := c.dir.Sock(b.name)
		l, err := listenUnix(sock)
		if err != nil {
			return fmt.Errorf("starting a misbehaving peer: %w", err)
		}
		go b.serve(l)
		c.add(func() { l.Close() })
		c.proxy.route(b.root, c.proxy.gateway(b.name, "unix:"+sock, b.rt(unixDialer(sock))))
	}
	return nil
}

// tapLog records the bytes of the connections a transport opens; the demo
// shows the last one.
type tapLog struct {
	mu   sync.Mutex
	last *wiretap.Conn
}

func (t *tapLog) wrap(c net.Conn) net.Conn {
	w := wiretap.Client(c)
	t.mu.Lock()
	t.last = w
	t.mu.Unlock()
	return w
}

func (t *tapLog) Last() *wiretap.Conn {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.last
}

// connLog remembers the addresses of the connections a dialer opened.
type connLog struct {
	mu          sync.Mutex
	n           int
	local, peer string
}

func (l *connLog) wrap(d dialer) dialer {
	return func(ctx context.Context) (net.Conn, error) {
		c, err := d(ctx)
		if err == nil {
			l.mu.Lock()
			l.n++
			l.local, l.peer = c.LocalAddr().String(), c.RemoteAddr().String()
			l.mu.Unlock()
		}
		return c, err
	}
}

func (l *connLog) get() (n int, local, peer string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n, l.local, l.peer
}

// swapHandler is a route whose handler arrives later (the Python app
// server, once python3 has started).
type swapHandler struct {
	h atomic.Pointer[http.Handler]
}

func (s *swapHandler) set(h http.Handler) { s.h.Store(&h) }

func (s *swapHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := s.h.Load()
	if h == nil {
		http.Error(w, "503 service unavailable: this app server is not running (python3 missing or not started)", http.StatusServiceUnavailable)
		return
	}
	(*h).ServeHTTP(w, r)
}
