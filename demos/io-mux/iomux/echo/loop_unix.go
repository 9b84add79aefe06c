//go:build linux || darwin

package echo

import (
	"errors"
	"runtime"
	"sync"

	"golang.org/x/sys/unix"
)

// loop is what the three single-thread servers share: the listener, the
// wake pipe, the connections and the echo step. Only the wait differs
// (select.go, poll.go, events.go).
type loop struct {
	counters
	lfd, port int
	addr      string
	wake      wakePipe
	cfg       Config
	buf       []byte
	reg       registry
	done      chan struct{}
	closeOnce sync.Once
}

// conn is one connection's state in a loop.
type conn struct {
	fd int
	// out holds bytes read but not yet written back (the peer is not
	// reading fast enough). While it is not empty the loop waits for the
	// descriptor to be writable instead of readable: backpressure.
	out []byte
	// eof: the peer half-closed; close once out is flushed.
	eof    bool
	closed bool
}

func newLoop(addr string, cfg Config) (*loop, error) {
	lfd, port, err := listenTCP(addr, true)
	if err != nil {
		return nil, err
	}
	wake, err := newWakePipe()
	if err != nil {
		unix.Close(lfd)
		return nil, err
	}
	return &loop{lfd: lfd, port: port, addr: hostPort(addr, port), wake: wake, cfg: cfg,
		buf: make([]byte, cfg.readBuf()), done: make(chan struct{})}, nil
}

func (l *loop) Addr() string { return l.addr }
func (l *loop) Stats() Stats { return l.stats(l.reg.count()) }
func (l *loop) Unread() int  { return l.reg.unread() }

// run locks the loop to one OS thread and calls body until it returns,
// then closes every descriptor.
func (l *loop) run(body func(), cleanup func()) {
	go func() {
		defer close(l.done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		body()
		if cleanup != nil {
			cleanup()
		}
		l.reg.shutdownAll()
		l.wake.close()
		unix.Close(l.lfd)
	}()
}

// Close wakes the loop, which closes everything and returns.
func (l *loop) Close() error {
	l.closeOnce.Do(func() { l.wake.wake() })
	<-l.done
	return nil
}

// acceptAll takes every connection waiting on the listener; admit decides
// whether the loop can watch it (select cannot watch fd ≥ FD_SETSIZE).
func (l *loop) acceptAll(admit func(fd int) bool, add func(*conn)) {
	for {
		fd, err := accept(l.lfd, true)
		if err != nil {
			return // EAGAIN: no more for now; anything else: try on the next wake
		}
		l.lastFD.Store(int64(fd))
		if !admit(fd) {
			unix.Close(fd)
			continue
		}
		l.accepted.Add(1)
		l.reg.add(fd)
		add(&conn{fd: fd})
	}
}

// readable echoes what fd has. Level-triggered loops read once: if more is
// waiting, the next wait reports the descriptor again. Edge-triggered
// loops must read until EAGAIN (epoll(7): "only after read(2) or write(2)
// return EAGAIN"), unless ReadOnce asks for the bug.
func (l *loop) readable(c *conn, untilEAGAIN bool) {
	if len(c.out) > 0 || c.closed {
		return
	}
	for {
		n, err := unix.Read(c.fd, l.buf)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if errors.Is(err, unix.EAGAIN) {
			return
		}
		if err != nil {
			l.closeConn(c)
			return
		}
		if n == 0 {
			c.eof = true
			if len(c.out) == 0 {
				l.closeConn(c)
			}
			return
		}
		if !l.echo(c, l.buf[:n]) || len(c.out) > 0 {
			return
		}
		if !untilEAGAIN {
			return
		}
	}
}

// echo writes b back until done or EAGAIN, keeping the rest in c.out.
func (l *loop) echo(c *conn, b []byte) bool {
	w, err := writeSome(c.fd, b)
	l.bytes.Add(int64(w))
	if err != nil {
		l.closeConn(c)
		return false
	}
	if w < len(b) {
		c.out = append(c.out[:0], b[w:]...)
	}
	return true
}

// writable flushes c.out; once it is empty the loop reads again (for
// edge triggering, until EAGAIN: data that arrived meanwhile raised no new
// edge while we were not reading).
func (l *loop) writable(c *conn, edge bool) {
	if len(c.out) == 0 || c.closed {
		return
	}
	w, err := writeSome(c.fd, c.out)
	l.bytes.Add(int64(w))
	if err != nil {
		l.closeConn(c)
		return
	}
	c.out = c.out[w:]
	if len(c.out) > 0 {
		return
	}
	c.out = nil
	if c.eof {
		l.closeConn(c)
		return
	}
	if edge {
		l.readable(c, !l.cfg.ReadOnce)
	}
}

func (l *loop) closeConn(c *conn) {
	if c.closed {
		return
	}
	c.closed = true
	l.reg.remove(c.fd)
	unix.Close(c.fd)
}

// writeSome writes on a non-blocking descriptor until b is done or the
// send buffer is full (EAGAIN), and says how much it wrote.
func writeSome(fd int, b []byte) (int, error) {
	done := 0
	for done < len(b) {
		n, err := unix.Write(fd, b[done:])
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if errors.Is(err, unix.EAGAIN) {
			return done, nil
		}
		if err != nil {
			return done, err
		}
		done += n
	}
	return done, nil
}
