package httptcp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netdemo/netdemo/internal/wiretap"
)

// maxBytes caps /bytes/N so that a curious user cannot ask the server for
// gigabytes.
const maxBytes = 10 << 20

// handler is the one web site every part of the demo talks to:
//
//	/          a short text that says which protocol carried the request
//	/bytes/N   N bytes of readable text (0 ≤ N ≤ 10 MiB)
func handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "hello from netdemo: this answer travelled as %s over a TCP connection from %s\n", r.Proto, r.RemoteAddr)
	})
	mux.HandleFunc("GET /bytes/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.PathValue("n"))
		if err != nil || n < 0 || n > maxBytes {
			http.Error(w, fmt.Sprintf("/bytes/N wants N from 0 to %d, got %q", maxBytes, r.PathValue("n")), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(n))
		w.Write(filler(n))
	})
	return mux
}

// filler is n bytes of text that reads well when a demo prints a slice of
// it: numbered lines, so a reader can see where in the body a read ended.
func filler(n int) []byte {
	var b strings.Builder
	for i := 1; b.Len() < n; i++ {
		fmt.Fprintf(&b, "line %04d of the body, carried by TCP like any other bytes\n", i)
	}
	return []byte(b.String()[:n])
}

// server is a real net/http server with counters of what it accepted.
type server struct {
	srv   *http.Server
	ln    net.Listener
	conns atomic.Int64 // connections accepted (ConnState StateNew)

	mu   sync.Mutex
	recs []*recorded // with a recording listener: every connection's bytes
}

// recorded is one accepted connection's plaintext, and its TLS state when
// the listener terminated TLS.
type recorded struct {
	*wiretap.Conn
	tls *tls.Conn
}

// newServer serves HTTP/1.1 and cleartext HTTP/2 with prior knowledge (h2c)
// on ln: net/http tells them apart by the 24-byte HTTP/2 preface.
func newServer(ln net.Listener) *server {
	s := &server{ln: ln}
	var p http.Protocols
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	s.srv = &http.Server{
		Handler:   handler(),
		Protocols: &p,
		ConnState: func(c net.Conn, st http.ConnState) {
			if st == http.StateNew {
				s.conns.Add(1)
			}
		},
		ErrorLog: quietLog(),
	}
	return s
}

// start serves in the background until close.
func (s *server) start() {
	go s.srv.Serve(s.ln)
}

func (s *server) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		s.srv.Close()
	}
}

// recordings returns the connections accepted from the i-th on.
func (s *server) recordings(from int) []*recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	if from > len(s.recs) {
		return nil
	}
	return append([]*recorded(nil), s.recs[from:]...)
}

func (s *server) recordCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.recs)
}

// recordingListener hands the server connections that keep a copy of their
// bytes. With a TLS config it also terminates TLS, so the copy is of the
// plaintext: the HTTP/2 frames themselves. net/http then sees a plain
// connection and serves HTTP/2 on it as h2c — exactly what it would serve
// inside TLS after ALPN chose "h2". That relies on the recording having no
// ConnectionState method even though it wraps a *tls.Conn: a wiretap.Conn
// has only net.Conn's methods (internal/wiretap tests this), so net/http
// cannot tell that TLS is underneath.
type recordingListener struct {
	net.Listener
	tls *tls.Config
	s   *server
}

func (l *recordingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	rec := &recorded{}
	if l.tls != nil {
		rec.tls = tls.Server(c, l.tls)
		c = rec.tls
	}
	rec.Conn = wiretap.Server(c)
	l.s.mu.Lock()
	l.s.recs = append(l.s.recs, rec)
	l.s.mu.Unlock()
	return rec.Conn, nil
}

// newRecordingServer is newServer whose every connection is recorded, and
// TLS-terminated when tlsConf is not nil (its NextProtos decide ALPN).
func newRecordingServer(ln net.Listener, tlsConf *tls.Config) *server {
	rl := &recordingListener{Listener: ln, tls: tlsConf}
	s := newServer(rl)
	rl.s = s
	return s
}

// isClosed reports whether err only says the listener was closed.
func isClosed(err error) bool {
	return errors.Is(err, net.ErrClosed) || errors.Is(err, http.ErrServerClosed)
}
