//go:build linux || darwin

package echo

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"

	"golang.org/x/sys/unix"
)

// listenTCP opens a listening IPv4 socket on addr with raw system calls:
// socket, setsockopt(SO_REUSEADDR), bind, listen. It returns the
// descriptor and the port the kernel gave it.
func listenTCP(addr string, nonblock bool) (fd, port int, err error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || !ap.Addr().Is4() {
		return -1, 0, fmt.Errorf("listen address %q: want an IPv4 host:port", addr)
	}
	fd, err = socketCloexec()
	if err != nil {
		return -1, 0, fmt.Errorf("socket: %w", err)
	}
	fail := func(what string, err error) (int, int, error) {
		unix.Close(fd)
		return -1, 0, fmt.Errorf("%s %s: %w", what, addr, err)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		return fail("setsockopt SO_REUSEADDR on", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().As4()}); err != nil {
		return fail("bind", err)
	}
	// The backlog holds connections the kernel completed before the
	// server accepted them; the kernel caps it (somaxconn).
	if err := unix.Listen(fd, 4096); err != nil {
		return fail("listen", err)
	}
	if err := unix.SetNonblock(fd, nonblock); err != nil {
		return fail("fcntl O_NONBLOCK on", err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return fail("getsockname", err)
	}
	in4, ok := sa.(*unix.SockaddrInet4)
	if !ok {
		return fail("getsockname", errors.New("not an IPv4 address"))
	}
	return fd, in4.Port, nil
}

func hostPort(addr string, port int) string {
	ap, _ := netip.ParseAddrPort(addr)
	return net.JoinHostPort(ap.Addr().String(), fmt.Sprint(port))
}

// wakePipe is how Close interrupts a loop blocked in select, poll, epoll
// or kevent: the loop watches the read end like any other descriptor.
type wakePipe struct{ r, w int }

func newWakePipe() (wakePipe, error) {
	var p [2]int
	if err := pipeCloexecNonblock(p[:]); err != nil {
		return wakePipe{-1, -1}, fmt.Errorf("pipe: %w", err)
	}
	return wakePipe{p[0], p[1]}, nil
}

func (p wakePipe) wake() { unix.Write(p.w, []byte{1}) }

func (p wakePipe) close() {
	unix.Close(p.r)
	unix.Close(p.w)
}

// unread is how many bytes wait in fd's receive buffer.
func unread(fd int) int {
	n, err := unix.IoctlGetInt(fd, fionread)
	if err != nil {
		return 0
	}
	return n
}

// registry is the set of a server's open connection descriptors, shared
// between the goroutine that owns them and Stats, Unread and Close.
type registry struct {
	mu     sync.Mutex
	fds    map[int]struct{}
	closed bool
}

// add records fd; false once the server is closing (the caller closes fd).
func (r *registry) add(fd int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return false
	}
	if r.fds == nil {
		r.fds = map[int]struct{}{}
	}
	r.fds[fd] = struct{}{}
	return true
}

// remove forgets fd; call it before closing fd, so that no one else acts
// on a number the kernel may hand out again.
func (r *registry) remove(fd int) {
	r.mu.Lock()
	delete(r.fds, fd)
	r.mu.Unlock()
}

func (r *registry) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.fds)
}

func (r *registry) unread() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for fd := range r.fds {
		n += unread(fd)
	}
	return n
}

// shutdownAll marks the registry closed and shuts every connection down,
// which wakes a thread blocked in read or write on it.
func (r *registry) shutdownAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	for fd := range r.fds {
		unix.Shutdown(fd, unix.SHUT_RDWR)
	}
}

// isTemporary reports accept errors after which the loop goes on: a signal,
// a peer that gave up before accept, out of descriptors for now.
func isTemporary(err error) bool {
	return errors.Is(err, unix.EINTR) || errors.Is(err, unix.ECONNABORTED) ||
		errors.Is(err, unix.EMFILE) || errors.Is(err, unix.ENFILE) || errors.Is(err, unix.EAGAIN)
}
