package tcpudp

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/servers/echo"
)

// maxUDPPayload is the largest UDP payload over IPv4: the IPv4 total length
// field is 16 bits (65,535 bytes), minus 20 bytes of IPv4 header and 8 of
// UDP header (RFC 791 §3.1, RFC 768).
const maxUDPPayload = 65535 - 20 - 8

// truncBuf is the receive buffer used to show truncation: smaller than the
// datagram that arrives.
const truncBuf = 1500

// tooBig is what the kernel did with datagrams around the size limit.
type tooBig struct {
	Err         string // the real error of sending maxUDPPayload+1 bytes
	IsEMSGSIZE  bool   // it is EMSGSIZE ("message too long")
	MaxDatagram int    // the largest payload this OS sent on loopback
	Sent        int    // size of the datagram echoed back for the truncation test
	Read        int    // what one read with a truncBuf buffer returned
	RestLost    bool   // the next read found nothing: the rest was discarded
}

// observeTooBig sends one byte more than UDP can carry, records the real
// error, finds the largest datagram this OS sends, then has the echo server
// return a datagram bigger than our read buffer.
func observeTooBig(ctx context.Context, srv *echo.Server) (tooBig, error) {
	var t tooBig
	c, err := netx.Loopback.Dial(ctx, "udp", srv.UDPAddr().String())
	if err != nil {
		return t, fmt.Errorf("dialing the UDP echo server: %w", err)
	}
	defer c.Close()

	big := make([]byte, maxUDPPayload+1)
	_, err = c.Write(big)
	if err == nil {
		return t, fmt.Errorf("sending a %d-byte UDP datagram succeeded; the IPv4 length field cannot describe it", len(big))
	}
	t.Err = err.Error()
	t.IsEMSGSIZE = isMsgSize(err)

	// The largest size this OS accepts: 65,507 on Linux; macOS stops at
	// net.inet.udp.maxdgram (9,216 by default). Binary search on real sends.
	lo, hi := 0, maxUDPPayload // lo is known to work; hi+1 is known to fail
	if _, err := c.Write(big[:hi]); err == nil {
		lo = hi
	} else if !isMsgSize(err) {
		return t, fmt.Errorf("sending %d bytes: %w", hi, err)
	}
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if _, err := c.Write(big[:mid]); err == nil {
			lo = mid
		} else if isMsgSize(err) {
			hi = mid - 1
		} else {
			return t, fmt.Errorf("sending %d bytes: %w", mid, err)
		}
	}
	t.MaxDatagram = lo

	// A fresh socket, so that no echo of the probes is queued on it, then
	// one datagram bigger than our buffer comes back.
	c.Close()
	c, err = netx.Loopback.Dial(ctx, "udp", srv.UDPAddr().String())
	if err != nil {
		return t, fmt.Errorf("dialing the UDP echo server: %w", err)
	}
	defer c.Close()
	t.Sent = min(4000, t.MaxDatagram)
	before := srv.Stats().UDPDatagrams
	if _, err := c.Write(big[:t.Sent]); err != nil {
		return t, fmt.Errorf("sending %d bytes: %w", t.Sent, err)
	}
	if err := waitUntil(ctx, func() bool { return srv.Stats().UDPDatagrams > before }); err != nil {
		return t, fmt.Errorf("waiting for the echo of %d bytes: %w", t.Sent, err)
	}
	buf := make([]byte, truncBuf)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := c.Read(buf)
	if err != nil && !(isMsgSize(err) && n > 0) { // Windows reports truncation as WSAEMSGSIZE
		return t, fmt.Errorf("reading the %d-byte echo: %w", t.Sent, err)
	}
	t.Read = n
	c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	_, err = c.Read(buf)
	t.RestLost = isTimeout(err)
	return t, nil
}

// isMsgSize reports EMSGSIZE: "message too long" on Unix, WSAEMSGSIZE
// (10040) on Windows.
func isMsgSize(err error) bool {
	return errors.Is(err, syscall.EMSGSIZE) || errors.Is(err, syscall.Errno(10040))
}
