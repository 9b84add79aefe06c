package echo

import (
	"errors"
	"net"
	"sync"
)

// netpollServer is what Go code usually looks like: a goroutine per
// connection calling Read and Write as if they blocked. Underneath, the
// descriptors are non-blocking and registered with the runtime's netpoller
// (epoll on Linux, kqueue on macOS); a Read that would block parks the
// goroutine, and the runtime waits for all of them at once. Code of the
// thread model, cost of the event loop. The waiting happens inside the
// runtime, where this server cannot count it.
type netpollServer struct {
	counters
	ln      net.Listener
	readBuf int

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
	once   sync.Once
}

func listenNetpoll(addr string, cfg Config) (*netpollServer, error) {
	ln, err := net.Listen("tcp4", addr)
	if err != nil {
		return nil, err
	}
	s := &netpollServer{ln: ln, readBuf: cfg.readBuf(), conns: map[net.Conn]struct{}{}}
	s.scanned.Store(-1)
	s.wg.Add(1)
	go s.acceptLoop()
	return s, nil
}

func (s *netpollServer) Addr() string { return s.ln.Addr().String() }
func (s *netpollServer) Unread() int  { return -1 }

func (s *netpollServer) Stats() Stats {
	s.mu.Lock()
	n := len(s.conns)
	s.mu.Unlock()
	return s.stats(n)
}

func (s *netpollServer) acceptLoop() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue // e.g. EMFILE: the runtime retries on the next Accept
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		s.accepted.Add(1)
		s.wg.Add(1)
		go s.serveConn(c)
	}
}

func (s *netpollServer) serveConn(c net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		c.Close()
	}()
	buf := make([]byte, s.readBuf)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			s.wakes.Add(1)
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
			s.bytes.Add(int64(n))
		}
		if err != nil {
			return
		}
	}
}

func (s *netpollServer) Close() error {
	s.once.Do(func() {
		s.ln.Close()
		s.mu.Lock()
		s.closed = true
		for c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return nil
}
