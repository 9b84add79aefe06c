package echo

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// FIONREAD (<sys/filio.h>): bytes waiting to be read.
const fionread = 0x4004667f

// macOS has no SOCK_CLOEXEC or accept4: set the flags right after, under
// the fork lock, so that no child started meanwhile inherits the socket.
func socketCloexec() (int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err == nil {
		unix.CloseOnExec(fd)
	}
	return fd, err
}

func accept(lfd int, nonblock bool) (int, error) {
	syscall.ForkLock.RLock()
	fd, _, err := unix.Accept(lfd)
	if err == nil {
		unix.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, err
	}
	// A write to a closed peer returns EPIPE instead of raising SIGPIPE.
	unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_NOSIGPIPE, 1)
	// BSD sockets inherit O_NONBLOCK from the listener: set it either way.
	if err := unix.SetNonblock(fd, nonblock); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

func pipeCloexecNonblock(p []int) error {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	if err := unix.Pipe(p); err != nil {
		return err
	}
	for _, fd := range p {
		unix.CloseOnExec(fd)
		unix.SetNonblock(fd, true)
	}
	return nil
}
