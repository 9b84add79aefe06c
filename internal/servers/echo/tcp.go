package echo

import (
	"errors"
	"net"
	"time"
)

// acceptLoop accepts TCP connections until the listener is closed.
func (s *Server) acceptLoop() {
	defer s.wg.Done()
	var backoff time.Duration
	for {
		c, err := s.tcp.Accept()
		if err != nil {
			if s.isClosed() || errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors, for example: wait a little and go
			// on, as net/http's Server does, instead of giving up.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.logf("tcp: accept: %v (retrying in %v)", err, backoff)
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		if !s.track(c) {
			c.Close()
			return
		}
		s.stats.tcpConns.Add(1)
		s.wg.Add(1)
		go s.echoTCP(c)
	}
}

// track records an open connection so that Close can close it; it reports
// false when the server is already closing.
func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

// echoTCP copies the byte stream back. Each Read returns whatever bytes have
// arrived, however the client's writes were cut: TCP keeps no boundaries.
func (s *Server) echoTCP(c net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		c.Close()
	}()
	peer := c.RemoteAddr()
	s.logf("tcp: %v connected (3-way handshake done before Accept returned)", peer)
	buf := make([]byte, 32<<10)
	var total int64
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				s.logf("tcp: %v: writing the echo: %v", peer, werr)
				return
			}
			total += int64(n)
			s.stats.tcpBytes.Add(int64(n))
			s.logf("tcp: %v: read() returned %d bytes, echoed", peer, n)
		}
		if err != nil {
			s.logf("tcp: %v closed after %d bytes", peer, total)
			return
		}
	}
}
