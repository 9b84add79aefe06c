//go:build linux || darwin

package echo

import (
	"errors"

	"golang.org/x/sys/unix"
)

// pollServer waits in poll(2): an array of {fd, events} instead of
// bitmasks, so there is no FD_SETSIZE limit, but the whole array still goes
// to the kernel on every call and the loop still walks all of it for
// revents.
type pollServer struct{ *loop }

func listenPoll(addr string, cfg Config) (*pollServer, error) {
	l, err := newLoop(addr, cfg)
	if err != nil {
		return nil, err
	}
	s := &pollServer{l}
	var conns []*conn
	l.run(func() { s.serve(&conns) }, func() {
		for _, c := range conns {
			l.closeConn(c)
		}
	})
	return s, nil
}

func (s *pollServer) serve(conns *[]*conn) {
	pfds := []unix.PollFd{}
	admit := func(int) bool { return true }
	add := func(c *conn) { *conns = append(*conns, c) }
	const ready = unix.POLLIN | unix.POLLHUP | unix.POLLERR
	for {
		pfds = append(pfds[:0],
			unix.PollFd{Fd: int32(s.wake.r), Events: unix.POLLIN},
			unix.PollFd{Fd: int32(s.lfd), Events: unix.POLLIN})
		for _, c := range *conns {
			ev := int16(unix.POLLIN)
			if len(c.out) > 0 {
				ev = unix.POLLOUT
			}
			pfds = append(pfds, unix.PollFd{Fd: int32(c.fd), Events: ev})
		}
		_, err := unix.Poll(pfds, -1)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return
		}
		if pfds[0].Revents != 0 {
			return
		}
		// The connections' entries first: acceptAll appends to conns.
		live := (*conns)[:0]
		for i, c := range *conns {
			re := pfds[i+2].Revents
			switch {
			case c.closed:
			case re&unix.POLLOUT != 0:
				s.writable(c, false)
			case re&ready != 0:
				s.readable(c, false)
			}
			if !c.closed {
				live = append(live, c)
			}
		}
		s.wakes.Add(1)
		s.scanned.Add(int64(len(pfds)))
		clear((*conns)[len(live):])
		*conns = live
		if pfds[1].Revents != 0 {
			s.acceptAll(admit, add)
		}
	}
}
