package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// viaToken is what the proxy adds to Via (RFC 9110 §7.6.3).
const viaToken = "1.1 netdemo-proxy"

// maxBuffered bounds a body the proxy holds in memory when it buffers
// (nginx would spill to a temporary file instead).
const maxBuffered = 64 << 20

// backend is one app server behind the proxy.
type backend struct {
	name  string
	addr  string // for people: "unix:/tmp/.../app.sock"
	proxy *httputil.ReverseProxy
	down  atomic.Bool // set after a failed attempt: a passive health check
	// timeout, when set, bounds how long the app server may take to answer
	// (nginx: proxy_read_timeout, fastcgi_read_timeout); past it the
	// client gets 504.
	timeout time.Duration
}

// proxyConfig says how the proxy behaves.
type proxyConfig struct {
	// StaticDir, when set, is served at /static/ by the proxy itself.
	StaticDir string
	// BufferRequests makes the proxy read the whole request body before it
	// opens the request to the app (nginx: proxy_request_buffering on).
	BufferRequests bool
	// BufferResponses makes the proxy read the whole response from the app
	// before it sends the client anything (nginx: proxy_buffering on, with
	// buffers big enough).
	BufferResponses bool
	// OnError, when set, hears about each failed attempt.
	OnError func(b *backend, err error)
}

// proxy is the reverse proxy: round robin over its backends, skipping the
// ones marked down.
type proxy struct {
	cfg      proxyConfig
	backends []*backend
	next     atomic.Uint64
	static   http.Handler
	routes   []route
}

// route sends a path prefix to a handler of its own (a CGI script, a
// FastCGI or uwsgi app server, the Python app server).
type route struct {
	prefix string
	h      http.Handler
}

// dialer opens connections to an app server.
type dialer func(ctx context.Context) (net.Conn, error)

func unixDialer(path string) dialer {
	return func(ctx context.Context) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", path)
	}
}

// httpTransport speaks HTTP/1.1 to an app server over conns from dial.
func httpTransport(dial dialer) *http.Transport {
	return &http.Transport{
		DialContext:         func(ctx context.Context, _, _ string) (net.Conn, error) { return dial(ctx) },
		MaxIdleConnsPerHost: 16,
		DisableCompression:  true,
	}
}

func newProxy(cfg proxyConfig) *proxy {
	p := &proxy{cfg: cfg}
	if cfg.StaticDir != "" {
		p.static = http.StripPrefix("/static/", http.FileServer(http.Dir(cfg.StaticDir)))
	}
	return p
}

// route sends requests under prefix to h instead of the balanced app
// servers.
func (p *proxy) route(prefix string, h http.Handler) { p.routes = append(p.routes, route{prefix, h}) }

// add puts an app server behind the proxy's load balancer; rt carries the
// requests (HTTP, FastCGI or uwsgi).
func (p *proxy) add(name, addr string, rt http.RoundTripper) *backend {
	b := p.gateway(name, addr, rt)
	p.backends = append(p.backends, b)
	return b
}

// gateway makes a reverse proxy to one app server, not balanced (mount it
// with route).
func (p *proxy) gateway(name, addr string, rt http.RoundTripper) *backend {
	b := &backend{name: name, addr: addr}
	target := &url.URL{Scheme: "http", Host: name}
	b.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = pr.In.Host // the app sees the name the client asked for
			pr.SetXForwarded()       // X-Forwarded-For, -Host, -Proto
			pr.Out.Header.Add("Via", viaToken)
		},
		Transport: rt,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if errors.Is(r.Context().Err(), context.DeadlineExceeded) {
				http.Error(w, fmt.Sprintf("504 gateway timeout: app server %s (%s) sent no answer within %v", b.name, b.addr, b.timeout), http.StatusGatewayTimeout)
				return
			}
			// Only a connection that failed marks the server down (nginx's
			// max_fails=1): a request the protocol cannot carry does not.
			if isConnError(err) {
				b.down.Store(true)
			}
			if p.cfg.OnError != nil {
				p.cfg.OnError(b, err)
			}
			http.Error(w, fmt.Sprintf("502 bad gateway: app server %s (%s): %v", b.name, b.addr, err), http.StatusBadGateway)
		},
	}
	if p.cfg.BufferResponses {
		b.proxy.ModifyResponse = func(resp *http.Response) error {
			body, err := io.ReadAll(io.LimitReader(resp.Body, maxBuffered+1))
			resp.Body.Close()
			if err != nil {
				return fmt.Errorf("buffering the response: %w", err)
			}
			if len(body) > maxBuffered {
				return fmt.Errorf("buffering the response: over %d MiB", maxBuffered>>20)
			}
			resp.Body = io.NopCloser(bytes.NewReader(body))
			return nil
		}
	}
	return b
}

func (b *backend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if b.timeout > 0 {
		ctx, cancel := context.WithTimeout(r.Context(), b.timeout)
		defer cancel()
		r = r.WithContext(ctx)
	}
	b.proxy.ServeHTTP(w, r)
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.static != nil && strings.HasPrefix(r.URL.Path, "/static/") {
		p.static.ServeHTTP(w, r)
		return
	}
	for _, rt := range p.routes {
		if strings.HasPrefix(r.URL.Path, rt.prefix) {
			rt.h.ServeHTTP(w, r)
			return
		}
	}
	b := p.pick()
	if b == nil {
		http.Error(w, "502 bad gateway: no app server is up", http.StatusBadGateway)
		return
	}
	if p.cfg.BufferRequests && r.Body != nil && r.Body != http.NoBody {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBuffered))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, fmt.Sprintf("413 content too large: over %d MiB", maxBuffered>>20), http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "400 bad request: reading the body: "+err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
	}
	b.proxy.ServeHTTP(w, r)
}

// pick chooses the next backend that is not down, round robin.
func (p *proxy) pick() *backend {
	n := len(p.backends)
	for i := 0; i < n; i++ {
		b := p.backends[int(p.next.Add(1)-1)%n]
		if !b.down.Load() {
			return b
		}
	}
	return nil
}
