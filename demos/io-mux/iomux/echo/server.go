package echo

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// Kind names a server model.
type Kind string

// The five models.
const (
	Threads Kind = "threads"
	Select  Kind = "select"
	Poll    Kind = "poll"
	Epoll   Kind = "epoll" // kqueue on macOS: see EventMechanism
	Netpoll Kind = "netpoll"
)

// Kinds lists the models in the order the demo shows them.
var Kinds = []Kind{Threads, Select, Poll, Epoll, Netpoll}

// ParseKind checks a model's name.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("no echo server model %q (want one of %v)", s, Kinds)
}

// Config tunes a server.
type Config struct {
	// Edge makes the Epoll server edge-triggered (EPOLLET, or EV_CLEAR on
	// kqueue): the kernel reports a descriptor once per arrival of new
	// data, not for as long as data is waiting.
	Edge bool
	// ReadOnce makes an edge-triggered loop read once per readiness
	// report: the classic bug, the rest of the bytes sit in the socket
	// until the peer sends more. Level-triggered loops always read once
	// per report, which is fine: the next wait reports the rest.
	ReadOnce bool
	// ReadBuf is the size of each read, 4 KiB when zero (a thread or
	// goroutine per connection holds one buffer each; a loop shares one).
	ReadBuf int
}

func (c Config) readBuf() int {
	if c.ReadBuf <= 0 {
		return 4 << 10
	}
	return c.ReadBuf
}

// Stats is what a server counted so far.
type Stats struct {
	Conns    int   // connections open now
	Accepted int64 // connections accepted
	Bytes    int64 // bytes echoed
	// Wakes counts returns from the call the server waits in (select,
	// poll, epoll_wait, kevent; read for Threads).
	Wakes int64
	// Scanned counts the descriptors the server examined after those
	// returns: every watched descriptor for select and poll, only the
	// ready ones for epoll and kqueue, one for a thread. -1 when the
	// waiting happens where the server cannot count it (Netpoll: inside
	// the Go runtime).
	Scanned int64
	// Refused counts connections the server accepted but could not watch
	// (Select: a descriptor ≥ FD_SETSIZE), and RefusedFD and RefuseErr
	// describe the last one.
	Refused   int64
	RefusedFD int
	RefuseErr string
	// LastFD is the descriptor number of the last connection accepted.
	LastFD int
}

// Server is a running echo server.
type Server interface {
	// Addr is the listening address, host:port.
	Addr() string
	Stats() Stats
	// Unread adds up the bytes waiting, unread, in the receive buffers of
	// the server's connections (ioctl FIONREAD); -1 when the server cannot
	// tell (Netpoll).
	Unread() int
	// Close stops the server and returns once every descriptor it opened
	// is closed and every goroutine it started has returned.
	Close() error
}

// Listen starts a server of kind on addr (host:port, IPv4).
func Listen(kind Kind, addr string, cfg Config) (Server, error) {
	var s Server
	var err error
	switch kind {
	case Threads:
		s, err = listenThreads(addr, cfg)
	case Select:
		s, err = listenSelect(addr, cfg)
	case Poll:
		s, err = listenPoll(addr, cfg)
	case Epoll:
		s, err = listenEvents(addr, cfg)
	case Netpoll:
		s, err = listenNetpoll(addr, cfg)
	default:
		return nil, fmt.Errorf("no echo server model %q", kind)
	}
	if err != nil {
		return nil, fmt.Errorf("starting the %s echo server: %w", kind, err)
	}
	return s, nil
}

// counters are the shared part of Stats, updated by the server's loop or
// threads and read from anywhere.
type counters struct {
	accepted, bytes, wakes, scanned, refused, lastFD atomic.Int64

	mu        sync.Mutex
	refusedFD int
	refuseErr string
}

func (c *counters) refuse(fd int, err string) {
	c.refused.Add(1)
	c.mu.Lock()
	c.refusedFD, c.refuseErr = fd, err
	c.mu.Unlock()
}

func (c *counters) stats(conns int) Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Stats{
		Conns: conns, Accepted: c.accepted.Load(), Bytes: c.bytes.Load(),
		Wakes: c.wakes.Load(), Scanned: c.scanned.Load(),
		Refused: c.refused.Load(), RefusedFD: c.refusedFD, RefuseErr: c.refuseErr,
		LastFD: int(c.lastFD.Load()),
	}
}
