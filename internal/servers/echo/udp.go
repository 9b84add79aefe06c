package echo

import (
	"errors"
	"net"
	"time"
)

// udpLoop answers each datagram with the same bytes, to the address it came
// from. There is no connection and no state: a garbage datagram is echoed
// like any other, and a failed read or write (an ICMP error reported on
// Windows as WSAECONNRESET, say) is counted and the loop goes on.
func (s *Server) udpLoop() {
	defer s.wg.Done()
	buf := make([]byte, MaxDatagram)
	errs := 0
	for {
		n, from, err := s.udp.ReadFrom(buf)
		if err != nil {
			if s.isClosed() || errors.Is(err, net.ErrClosed) {
				return
			}
			s.stats.udpErrors.Add(1)
			s.logf("udp: read: %v (still serving)", err)
			if errs++; errs > 10 {
				time.Sleep(10 * time.Millisecond) // do not spin on a broken socket
			}
			continue
		}
		errs = 0
		if _, err := s.udp.WriteTo(buf[:n], from); err != nil {
			s.stats.udpErrors.Add(1)
			s.logf("udp: %d bytes from %v, echo failed: %v", n, from, err)
			continue
		}
		s.stats.udpDatagrams.Add(1)
		s.stats.udpBytes.Add(int64(n))
		s.logf("udp: one datagram of %d bytes from %v, echoed as one datagram (no connection)", n, from)
	}
}
