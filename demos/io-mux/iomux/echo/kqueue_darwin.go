package echo

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// EventMechanism names the kernel's ready-list interface on this OS.
const EventMechanism = "kqueue"

type kqueueQueue struct {
	kq   int
	edge bool
	raw  []unix.Kevent_t
}

func newReadyQueue(edge bool) (readyQueue, error) {
	syscall.ForkLock.RLock()
	kq, err := unix.Kqueue()
	if err == nil {
		unix.CloseOnExec(kq)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, err
	}
	return &kqueueQueue{kq: kq, edge: edge}, nil
}

func (q *kqueueQueue) change(evs ...unix.Kevent_t) error {
	_, err := unix.Kevent(q.kq, evs, nil, nil)
	return err
}

func (q *kqueueQueue) watch(fd int) error {
	var rd, wr unix.Kevent_t
	if q.edge {
		// EV_CLEAR resets the filter's state once it is reported: edge
		// triggering, like EPOLLET.
		unix.SetKevent(&rd, fd, unix.EVFILT_READ, unix.EV_ADD|unix.EV_CLEAR)
		unix.SetKevent(&wr, fd, unix.EVFILT_WRITE, unix.EV_ADD|unix.EV_CLEAR)
		return q.change(rd, wr)
	}
	unix.SetKevent(&rd, fd, unix.EVFILT_READ, unix.EV_ADD)
	return q.change(rd)
}

func (q *kqueueQueue) wantWrite(fd int, on bool) error {
	if q.edge {
		return nil
	}
	var rd, wr unix.Kevent_t
	if on {
		unix.SetKevent(&rd, fd, unix.EVFILT_READ, unix.EV_DELETE)
		unix.SetKevent(&wr, fd, unix.EVFILT_WRITE, unix.EV_ADD)
	} else {
		unix.SetKevent(&wr, fd, unix.EVFILT_WRITE, unix.EV_DELETE)
		unix.SetKevent(&rd, fd, unix.EVFILT_READ, unix.EV_ADD)
	}
	return q.change(rd, wr)
}

func (q *kqueueQueue) wait(evs []ready) (int, error) {
	if len(q.raw) < len(evs) {
		q.raw = make([]unix.Kevent_t, len(evs))
	}
	n, err := unix.Kevent(q.kq, nil, q.raw[:len(evs)], nil)
	if err != nil {
		return 0, err
	}
	// kqueue reports read and write as separate events for one fd.
	for i, e := range q.raw[:n] {
		evs[i] = ready{
			fd:    int(e.Ident),
			read:  e.Filter == unix.EVFILT_READ,
			write: e.Filter == unix.EVFILT_WRITE,
		}
	}
	return n, nil
}

func (q *kqueueQueue) close() { unix.Close(q.kq) }
