package quicdemo

import "net"

// quietConn hides a PacketConn's socket details from quic-go.
//
// quic-go tries to grow the UDP socket buffers to about 7 MB and, when it
// cannot (a lab socket has no kernel buffer; a kernel socket is capped by
// net.core.rmem_max), prints a warning on the process's standard logger.
// The demo owns stderr, so that line would be noise: we answer the buffer
// calls ourselves. Without SyscallConn quic-go also skips GSO and ECN, which
// the lab does not model anyway; for the kernel socket of --serve the cost is
// a little throughput, irrelevant at demo rates.
type quietConn struct{ net.PacketConn }

func quiet(pc net.PacketConn) net.PacketConn { return quietConn{pc} }

// SetReadBuffer forwards the request when the socket has a buffer to size and
// never reports failure: a smaller buffer only matters at gigabit rates.
func (c quietConn) SetReadBuffer(n int) error {
	if s, ok := c.PacketConn.(interface{ SetReadBuffer(int) error }); ok {
		_ = s.SetReadBuffer(n)
	}
	return nil
}

// SetWriteBuffer is SetReadBuffer for the send side.
func (c quietConn) SetWriteBuffer(n int) error {
	if s, ok := c.PacketConn.(interface{ SetWriteBuffer(int) error }); ok {
		_ = s.SetWriteBuffer(n)
	}
	return nil
}
