package tlsdemo

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/netdemo/netdemo/internal/netx"
)

// site is the demo's HTTPS server: net/http behind crypto/tls, with the
// TLS errors each connection ends with collected, so a step can show what
// the server saw of an attack (its side of the error), not only the client's.
type site struct {
	ln   net.Listener
	srv  *http.Server
	errs chan error
	mu   sync.Mutex
	reqs int
}

// hstsHeader is what the site asks browsers to remember (RFC 6797 §6.1).
const hstsHeader = "max-age=31536000"

// loginForm is the page whose password the attacks try to read. The form
// posts to an absolute https:// URL, as real sites do, so that an SSL
// stripper has something to rewrite.
const loginForm = `<form method="post" action="https://localhost/login">user <input name=user> password <input name=password type=password></form>`

func siteHandler(s *site) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.count()
		w.Header().Set("Strict-Transport-Security", hstsHeader)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "hello from the netdemo HTTPS server: you asked for %s\n", r.URL.Path)
	})
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		s.count()
		w.Header().Set("Strict-Transport-Security", hstsHeader)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, loginForm+"\n")
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		s.count()
		w.Header().Set("Strict-Transport-Security", hstsHeader)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form: "+err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "welcome, %s\n", r.PostForm.Get("user"))
	})
	return mux
}

func (s *site) count() {
	s.mu.Lock()
	s.reqs++
	s.mu.Unlock()
}

// startSite serves HTTPS with cfg (plain HTTP if cfg is nil) on address of network n until ctx ends
// or Close.
func startSite(ctx context.Context, n netx.Network, address string, cfg *tls.Config) (*site, error) {
	ln, err := n.Listen(ctx, "tcp", address)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", address, err)
	}
	s := &site{ln: ln, errs: make(chan error, 16)}
	if cfg != nil { // nil: plain HTTP
		cfg = cfg.Clone()
		cfg.NextProtos = []string{"http/1.1"}
	}
	s.srv = &http.Server{
		Handler:           siteHandler(s),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	go s.srv.Serve(&errListener{Listener: ln, cfg: cfg, report: s.report})
	go func() {
		<-ctx.Done()
		s.Close()
	}()
	return s, nil
}

// Addr is where the site listens.
func (s *site) Addr() string { return s.ln.Addr().String() }

// Close stops the server.
func (s *site) Close() { s.srv.Close() }

func (s *site) report(err error) {
	select {
	case s.errs <- err:
	default: // nobody is looking; drop it
	}
}

// drain forgets errors of earlier steps.
func (s *site) drain() {
	for {
		select {
		case <-s.errs:
		default:
			return
		}
	}
}

// nextError waits for the server's next connection error.
func (s *site) nextError(ctx context.Context) (error, bool) {
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case err := <-s.errs:
		return err, true
	case <-t.C:
	case <-ctx.Done():
	}
	return nil, false
}

// errListener hands net/http connections that are already TLS (so that
// the server's handshake and record errors pass through our hands) and
// reports every error but a clean end.
type errListener struct {
	net.Listener
	cfg    *tls.Config
	report func(error)
}

func (l *errListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if l.cfg == nil {
		return c, nil
	}
	return &errConn{Conn: tls.Server(c, l.cfg), report: l.report}, nil
}

type errConn struct {
	*tls.Conn
	report func(error)
	once   sync.Once
}

func (c *errConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if err != nil && !quiet(err) {
		c.once.Do(func() {
			answerPlainHTTP(err)
			c.report(err)
		})
	}
	return n, err
}

// answerPlainHTTP gives a client that spoke plain HTTP to the TLS port the
// answer net/http gives when it does the handshake itself: a 400 that
// says what happened, instead of a connection that just closes.
func answerPlainHTTP(err error) bool {
	var rhe tls.RecordHeaderError
	if !errors.As(err, &rhe) || rhe.Conn == nil || !looksLikeHTTP(rhe.RecordHeader[:]) {
		return false
	}
	io.WriteString(rhe.Conn, "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n")
	rhe.Conn.Close()
	return true
}

// looksLikeHTTP reports whether the first five bytes of a "TLS record"
// are the start of an HTTP/1.x request line.
func looksLikeHTTP(hdr []byte) bool {
	switch string(hdr) {
	case "GET /", "HEAD ", "POST ", "PUT /", "OPTIO", "DELET", "PATCH", "CONNE", "TRACE":
		return true
	}
	return false
}

// quiet errors are the ordinary ends of a connection, not something a
// step wants to show.
func quiet(err error) bool {
	if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return strings.Contains(err.Error(), "connection reset")
}
