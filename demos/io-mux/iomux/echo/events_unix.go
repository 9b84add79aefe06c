//go:build linux || darwin

package echo

import (
	"errors"

	"golang.org/x/sys/unix"
)

// readyQueue is the kernel's list of ready descriptors: epoll on Linux
// (epoll_linux.go), kqueue on macOS (kqueue_darwin.go). The loop registers
// each descriptor once and then asks only for the ready ones, so a wait
// costs the same with 10 or 10,000 idle connections.
type readyQueue interface {
	// watch registers fd for reading (and, edge-triggered, for writing too).
	watch(fd int) error
	// wantWrite switches a level-triggered fd between waiting for input
	// and waiting for room to write. Edge-triggered queues ignore it.
	wantWrite(fd int, on bool) error
	// wait blocks until some descriptors are ready and fills evs.
	wait(evs []ready) (int, error)
	close()
}

// ready is one descriptor the queue reported.
type ready struct {
	fd          int
	read, write bool
}

// eventServer waits in epoll_wait or kevent.
type eventServer struct {
	*loop
	q readyQueue
}

func listenEvents(addr string, cfg Config) (*eventServer, error) {
	l, err := newLoop(addr, cfg)
	if err != nil {
		return nil, err
	}
	q, err := newReadyQueue(cfg.Edge)
	if err == nil {
		err = q.watch(l.lfd)
		if err == nil {
			err = q.watch(l.wake.r)
		}
		if err != nil {
			q.close()
		}
	}
	if err != nil {
		l.wake.close()
		unix.Close(l.lfd)
		return nil, err
	}
	s := &eventServer{loop: l, q: q}
	conns := map[int]*conn{}
	l.run(func() { s.serve(conns) }, func() {
		for _, c := range conns {
			l.closeConn(c)
		}
		q.close()
	})
	return s, nil
}

func (s *eventServer) serve(conns map[int]*conn) {
	evs := make([]ready, 256)
	edge := s.cfg.Edge
	untilEAGAIN := edge && !s.cfg.ReadOnce
	admit := func(fd int) bool {
		// The loop registers before it counts the connection as open.
		return s.q.watch(fd) == nil
	}
	add := func(c *conn) { conns[c.fd] = c }
	for {
		n, err := s.q.wait(evs)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return
		}
		s.wakes.Add(1)
		s.scanned.Add(int64(n))
		for _, ev := range evs[:n] {
			switch ev.fd {
			case s.wake.r:
				return
			case s.lfd:
				s.acceptAll(admit, add)
				continue
			}
			c := conns[ev.fd]
			if c == nil {
				continue
			}
			hadOut := len(c.out) > 0
			if ev.write {
				s.writable(c, edge)
			}
			if ev.read {
				s.readable(c, untilEAGAIN)
			}
			if c.closed {
				delete(conns, c.fd)
				continue
			}
			if !edge && hadOut != (len(c.out) > 0) {
				if s.q.wantWrite(c.fd, len(c.out) > 0) != nil {
					s.closeConn(c)
					delete(conns, c.fd)
				}
			}
		}
	}
}
