package lab

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
)

// Dial connects to address ("192.0.2.2:80" or "server.test:80") on "tcp" or
// "udp". A "udp" Conn is connected: Write sends to address, Read receives
// only from it. Cancelling ctx aborts a TCP handshake in progress.
//
// The host part may name any host of the lab, by name or address (a name
// resolves to the host's address on a link the two share); only hosts
// that share a link with this one can be reached. An empty host,
// "localhost" or a loopback address mean the dialing host itself, so that
// code written for the kernel's loopback runs on a lab host unchanged. Such
// connections stay inside the host and never cross the link.
func (h *Host) Dial(ctx context.Context, network, address string) (net.Conn, error) {
	c, err := h.dial(ctx, network, address)
	if err != nil {
		return nil, fmt.Errorf("lab: %s: dial %s %s: %w", h.name, network, address, err)
	}
	return c, nil
}

func (h *Host) dial(ctx context.Context, network, address string) (net.Conn, error) {
	proto, err := h.ready(ctx, network)
	if err != nil {
		return nil, err
	}
	to, err := h.resolve(address, false)
	if err != nil {
		return nil, err
	}
	if to.Port == 0 {
		return nil, &net.AddrError{Err: "port 0 cannot be dialed", Addr: address}
	}
	if proto == "tcp" {
		return gonet.DialContextTCP(ctx, h.stack, to, ipv4.ProtocolNumber)
	}
	return newUDPConn(h.stack, nil, &to)
}

// Listen announces on "tcp". The host part may be empty, the host's address
// or name, "localhost" or a loopback address: on a host with one address
// all of them mean that address, so the listener's Addr is one the other
// host can dial. On a host with several (a proxy between two links) they
// mean all of its addresses, and Addr reads 0.0.0.0: dial it by name. Port
// 0 picks a free port.
func (h *Host) Listen(ctx context.Context, network, address string) (net.Listener, error) {
	ln, err := h.listen(ctx, network, address)
	if err != nil {
		return nil, fmt.Errorf("lab: %s: listen %s %s: %w", h.name, network, address, err)
	}
	return ln, nil
}

func (h *Host) listen(ctx context.Context, network, address string) (net.Listener, error) {
	proto, err := h.ready(ctx, network)
	if err != nil {
		return nil, err
	}
	if proto != "tcp" {
		return nil, net.UnknownNetworkError(network)
	}
	at, err := h.resolve(address, true)
	if err != nil {
		return nil, err
	}
	return gonet.ListenTCP(h.stack, at, ipv4.ProtocolNumber)
}

// ListenPacket announces on "udp", with the same addresses as Listen. The
// PacketConn's ReadFrom returns *net.UDPAddr, and WriteTo takes one, so
// quic-go can run on it (quic.Listen and quic.Dial, or a quic.Transport).
func (h *Host) ListenPacket(ctx context.Context, network, address string) (net.PacketConn, error) {
	c, err := h.listenPacket(ctx, network, address)
	if err != nil {
		return nil, fmt.Errorf("lab: %s: listen %s %s: %w", h.name, network, address, err)
	}
	return c, nil
}

func (h *Host) listenPacket(ctx context.Context, network, address string) (net.PacketConn, error) {
	proto, err := h.ready(ctx, network)
	if err != nil {
		return nil, err
	}
	if proto != "udp" {
		return nil, net.UnknownNetworkError(network)
	}
	at, err := h.resolve(address, true)
	if err != nil {
		return nil, err
	}
	return newUDPConn(h.stack, &at, nil)
}

// ready checks what every Dial and Listen needs: a known network, a live
// context and a lab that is not closed. It returns "tcp" or "udp".
func (h *Host) ready(ctx context.Context, network string) (string, error) {
	var proto string
	switch network {
	case "tcp", "tcp4":
		proto = "tcp"
	case "udp", "udp4":
		proto = "udp"
	default: // the lab is IPv4 only: tcp6 and udp6 are as unknown as "ip"
		return "", net.UnknownNetworkError(network)
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if h.lab.isClosed() {
		return "", net.ErrClosed
	}
	return proto, nil
}

// resolve turns "host:port" into a stack address. The lab's name service
// knows every host's name, from every host, and "localhost", which is the
// host itself.
func (h *Host) resolve(address string, listen bool) (tcpip.FullAddress, error) {
	host, portStr, err := net.SplitHostPort(address)
	if err != nil {
		return tcpip.FullAddress{}, err
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return tcpip.FullAddress{}, &net.AddrError{Err: "port must be a number from 0 to 65535", Addr: address}
	}
	addr, err := h.lookup(host, listen)
	if err != nil {
		return tcpip.FullAddress{}, err
	}
	fa := tcpip.FullAddress{Port: uint16(port)}
	if addr.IsValid() {
		fa.Addr = tcpip.AddrFrom4(addr.As4())
	}
	return fa, nil
}

// lookup resolves the host part of an address. When listening, the host
// must be this one; an empty host, "localhost", the host's name or the
// unspecified address then mean its one address, or, on a host with
// several, all of them (the invalid Addr).
func (h *Host) lookup(host string, listen bool) (netip.Addr, error) {
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	self := func() netip.Addr {
		if listen && len(h.nics) > 1 {
			return netip.Addr{}
		}
		return h.Addr()
	}
	switch name {
	case "", "localhost", h.name:
		return self(), nil
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		ip = ip.Unmap()
		switch {
		case h.has(ip):
			return ip, nil
		case ip.IsLoopback(), listen && ip.IsUnspecified():
			return self(), nil
		case listen:
			return netip.Addr{}, &net.AddrError{Err: "address is not this host's (" + joinAddrs(h.Addrs()) + ")", Addr: host}
		}
		for _, other := range h.lab.hosts {
			if other.has(ip) {
				return ip, nil
			}
		}
		var all []netip.Addr
		for _, other := range h.lab.hosts {
			all = append(all, other.Addrs()...)
		}
		return netip.Addr{}, &net.AddrError{Err: "no such host in the lab (" + joinAddrs(all) + ")", Addr: host}
	}
	other := h.lab.byName[name]
	switch {
	case other != nil && !listen:
		return other.addrFacing(h), nil
	case other != nil:
		return netip.Addr{}, &net.AddrError{Err: "address is not this host's (" + h.name + ")", Addr: host}
	}
	names := make([]string, len(h.lab.hosts))
	for i, o := range h.lab.hosts {
		names[i] = o.name
	}
	return netip.Addr{}, &net.DNSError{Err: "no such host in the lab (" + strings.Join(names, ", ") + ")", Name: host, IsNotFound: true}
}

func joinAddrs(as []netip.Addr) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}
