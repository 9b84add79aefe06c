package echo

import "golang.org/x/sys/unix"

// EventMechanism names the kernel's ready-list interface on this OS.
const EventMechanism = "epoll"

type epollQueue struct {
	epfd int
	edge bool
	raw  []unix.EpollEvent
}

func newReadyQueue(edge bool) (readyQueue, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	return &epollQueue{epfd: epfd, edge: edge}, nil
}

func (q *epollQueue) watch(fd int) error {
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)}
	if q.edge {
		// Edge-triggered: report each change once. Register for both
		// directions up front; the loop reads and writes until EAGAIN.
		ev.Events = unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLET
	}
	return unix.EpollCtl(q.epfd, unix.EPOLL_CTL_ADD, fd, &ev)
}

func (q *epollQueue) wantWrite(fd int, on bool) error {
	if q.edge {
		return nil
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)}
	if on {
		ev.Events = unix.EPOLLOUT
	}
	return unix.EpollCtl(q.epfd, unix.EPOLL_CTL_MOD, fd, &ev)
}

func (q *epollQueue) wait(evs []ready) (int, error) {
	if len(q.raw) < len(evs) {
		q.raw = make([]unix.EpollEvent, len(evs))
	}
	n, err := unix.EpollWait(q.epfd, q.raw[:len(evs)], -1)
	if err != nil {
		return 0, err
	}
	for i, e := range q.raw[:n] {
		evs[i] = ready{
			fd: int(e.Fd),
			// A hang-up or error is reported as readable: the read
			// that follows returns 0 or the error.
			read:  e.Events&(unix.EPOLLIN|unix.EPOLLHUP|unix.EPOLLERR) != 0,
			write: e.Events&unix.EPOLLOUT != 0,
		}
	}
	return n, nil
}

func (q *epollQueue) close() { unix.Close(q.epfd) }
