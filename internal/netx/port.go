package netx

import (
	"net"
	"strconv"
)

// Port is the port of a listener's, connection's or socket's address, 0 if
// it has none. Kernel sockets give *net.TCPAddr and *net.UDPAddr; other
// Networks (the lab) may give their own net.Addr, so anything else is read
// from its String form, "host:port". It is a uint16, as in netip.AddrPort
// and internal/packet, so it compares directly with the ports on the wire.
func Port(a net.Addr) uint16 {
	switch a := a.(type) {
	case nil:
		return 0
	case *net.TCPAddr:
		if a == nil {
			return 0
		}
		return uint16(a.Port)
	case *net.UDPAddr:
		if a == nil {
			return 0
		}
		return uint16(a.Port)
	}
	_, p, err := net.SplitHostPort(a.String())
	if err != nil {
		return 0
	}
	n, err := strconv.ParseUint(p, 10, 16)
	if err != nil {
		return 0
	}
	return uint16(n)
}

// Bound is the address a server tells its user it listens on: the host
// that was asked for (--addr 0.0.0.0:8080 stays 0.0.0.0, where the kernel
// would say [::]) with the port the kernel bound (the real one when 0 was
// asked for).
func Bound(requested string, bound net.Addr) string {
	host, _, err := net.SplitHostPort(requested)
	if err != nil || host == "" {
		host = "0.0.0.0"
	}
	return net.JoinHostPort(host, strconv.Itoa(int(Port(bound))))
}
