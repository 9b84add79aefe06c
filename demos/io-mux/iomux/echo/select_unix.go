//go:build linux || darwin

package echo

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// FDSetSize is the number of descriptors an fd_set can hold: it is a
// bitmask of fixed size (1024 bits on Linux and macOS), and select(2) can
// watch no descriptor whose number is that or more.
const FDSetSize = int(unsafe.Sizeof(unix.FdSet{})) * 8

// selectServer waits in select(2). Every call hands the kernel two bitmasks
// covering descriptors 0 … maxfd; the kernel checks each, overwrites the
// masks with the ready ones, and the loop then tests every bit it set.
// Both costs grow with the number of connections, ready or not.
type selectServer struct{ *loop }

func listenSelect(addr string, cfg Config) (*selectServer, error) {
	l, err := newLoop(addr, cfg)
	if err != nil {
		return nil, err
	}
	for _, fd := range []int{l.lfd, l.wake.r} {
		if fitsFdSet(fd) != nil {
			l.wake.close()
			unix.Close(l.lfd)
			return nil, fmt.Errorf("select: the listener's own descriptor %d is ≥ FD_SETSIZE %d", fd, FDSetSize)
		}
	}
	s := &selectServer{l}
	var conns []*conn
	l.run(func() { s.serve(&conns) }, func() {
		for _, c := range conns {
			l.closeConn(c)
		}
	})
	return s, nil
}

// fitsFdSet tries to put fd in an fd_set. For fd ≥ FD_SETSIZE the bit
// lies past the end of the array: Go's bounds check panics (in C, FD_SET
// writes past the struct, or _FORTIFY_SOURCE aborts). The panic becomes
// the error.
func fitsFdSet(fd int) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	var set unix.FdSet
	set.Set(fd)
	return nil
}

func (s *selectServer) serve(conns *[]*conn) {
	var rset, wset unix.FdSet
	admit := func(fd int) bool {
		if err := fitsFdSet(fd); err != nil {
			s.refuse(fd, fmt.Sprintf("FD_SET(%d): %v", fd, err))
			return false
		}
		return true
	}
	add := func(c *conn) { *conns = append(*conns, c) }
	for {
		rset.Zero()
		wset.Zero()
		rset.Set(s.lfd)
		rset.Set(s.wake.r)
		maxfd := max(s.lfd, s.wake.r)
		for _, c := range *conns {
			if len(c.out) > 0 {
				wset.Set(c.fd)
			} else {
				rset.Set(c.fd)
			}
			maxfd = max(maxfd, c.fd)
		}
		_, err := unix.Select(maxfd+1, &rset, &wset, nil, nil)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return
		}
		if rset.IsSet(s.wake.r) {
			return
		}
		scanned := 2
		live := (*conns)[:0]
		for _, c := range *conns {
			scanned++
			switch {
			case c.closed:
			case rset.IsSet(c.fd):
				s.readable(c, false)
			case wset.IsSet(c.fd):
				s.writable(c, false)
			}
			if !c.closed {
				live = append(live, c)
			}
		}
		clear((*conns)[len(live):])
		*conns = live
		// Counted together, so that a Stats between them cannot see a
		// wake-up without its scan.
		s.wakes.Add(1)
		s.scanned.Add(int64(scanned))
		if rset.IsSet(s.lfd) {
			s.acceptAll(admit, add)
		}
	}
}
