package echo

import "golang.org/x/sys/unix"

const fionread = unix.SIOCINQ

func socketCloexec() (int, error) {
	return unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
}

// accept takes the next connection, close-on-exec, non-blocking for the
// event loops and blocking for a thread of its own.
func accept(lfd int, nonblock bool) (int, error) {
	flags := unix.SOCK_CLOEXEC
	if nonblock {
		flags |= unix.SOCK_NONBLOCK
	}
	fd, _, err := unix.Accept4(lfd, flags)
	return fd, err
}

func pipeCloexecNonblock(p []int) error { return unix.Pipe2(p, unix.O_CLOEXEC|unix.O_NONBLOCK) }
