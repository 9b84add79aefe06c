package deploy

import (
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// server is an http.Server on a listener of its own, closed with the run.
type server struct {
	srv  *http.Server
	ln   net.Listener
	done chan struct{}
}

// serveHTTP serves h on ln in the background; configure, when given, may
// change the server before it starts.
func serveHTTP(ln net.Listener, h http.Handler, configure ...func(*http.Server)) *server {
	s := &server{srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}, ln: ln, done: make(chan struct{})}
	for _, f := range configure {
		f(s.srv)
	}
	go func() {
		defer close(s.done)
		s.srv.Serve(ln)
	}()
	return s
}

// Close stops the server at once (open connections too) and waits.
func (s *server) Close() {
	s.srv.Close()
	<-s.done
}

// closers runs cleanups in reverse order, once.
type closers struct {
	mu  sync.Mutex
	fns []func()
}

func (c *closers) add(f func()) {
	c.mu.Lock()
	c.fns = append(c.fns, f)
	c.mu.Unlock()
}

func (c *closers) Close() {
	c.mu.Lock()
	fns := c.fns
	c.fns = nil
	c.mu.Unlock()
	for i := len(fns) - 1; i >= 0; i-- {
		fns[i]()
	}
}

// isConnError says whether err is a failed connection rather than a
// protocol problem.
func isConnError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op)
}
