package lab

import (
	"errors"
	"net"
	"net/netip"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// udpConn is gonet's UDP socket with two additions that make it behave more
// like a *net.UDPConn:
//
//   - WriteTo takes any IPv4 address. gonet.UDPConn.WriteTo insists on a
//     *net.UDPAddr and uses its IP bytes as they are: the 16-byte form that
//     net.ParseIP returns for an IPv4 address would become an IPv6 address
//     the lab cannot route.
//   - SetReadBuffer and SetWriteBuffer size the socket's buffers. quic-go
//     asks for large ones (and logs a warning when it cannot).
type udpConn struct {
	*gonet.UDPConn
	ep tcpip.Endpoint
}

// newUDPConn opens a UDP socket on s, bound to laddr and connected to raddr
// when they are not nil. It is gonet.DialUDP, keeping the endpoint.
func newUDPConn(s *stack.Stack, laddr, raddr *tcpip.FullAddress) (*udpConn, error) {
	var wq waiter.Queue
	ep, terr := s.NewEndpoint(udp.ProtocolNumber, ipv4.ProtocolNumber, &wq)
	if terr != nil {
		return nil, errors.New(terr.String())
	}
	if laddr != nil {
		if terr := ep.Bind(*laddr); terr != nil {
			ep.Close()
			return nil, errors.New("bind: " + terr.String())
		}
	}
	if raddr != nil {
		if terr := ep.Connect(*raddr); terr != nil {
			ep.Close()
			return nil, errors.New("connect: " + terr.String())
		}
	}
	return &udpConn{UDPConn: gonet.NewUDPConn(&wq, ep), ep: ep}, nil
}

// WriteTo implements net.PacketConn.
func (c *udpConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	to, err := udpAddr4(addr)
	if err != nil {
		return 0, &net.OpError{Op: "write", Net: "udp", Source: c.LocalAddr(), Addr: addr, Err: err}
	}
	return c.UDPConn.WriteTo(b, to)
}

// SetReadBuffer sets the socket's receive buffer size, as the stack allows
// (at most 4 MiB).
func (c *udpConn) SetReadBuffer(bytes int) error {
	c.ep.SocketOptions().SetReceiveBufferSize(int64(bytes), true)
	return nil
}

// SetWriteBuffer sets the socket's send buffer size, as the stack allows.
func (c *udpConn) SetWriteBuffer(bytes int) error {
	c.ep.SocketOptions().SetSendBufferSize(int64(bytes), true)
	return nil
}

var errNotIPv4 = errors.New("the lab has IPv4 addresses only")

// udpAddr4 returns addr as a *net.UDPAddr with a 4-byte IP, or nil for nil.
func udpAddr4(addr net.Addr) (net.Addr, error) {
	switch a := addr.(type) {
	case nil:
		return nil, nil // gonet sends to the connected peer
	case *net.UDPAddr:
		if a == nil {
			return nil, nil
		}
		if len(a.IP) == net.IPv4len {
			return a, nil // the common case, and quic-go's: no copy
		}
		ip4 := a.IP.To4()
		if ip4 == nil {
			return nil, errNotIPv4
		}
		return &net.UDPAddr{IP: ip4, Port: a.Port}, nil
	}
	ap, err := netip.ParseAddrPort(addr.String())
	if err != nil {
		return nil, err
	}
	if !ap.Addr().Unmap().Is4() {
		return nil, errNotIPv4
	}
	return net.UDPAddrFromAddrPort(netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())), nil
}
