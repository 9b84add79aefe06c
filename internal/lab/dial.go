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
// The host part may name either host, by name or address; an empty host,
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
// or name, "localhost" or a loopback address: all of them mean the host's
// one address, so the listener's Addr is one the other host can dial. Port 0
// picks a free port.
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
// knows four names: the two hosts, and for each host itself, "localhost".
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
	return tcpip.FullAddress{Addr: tcpip.AddrFrom4(addr.As4()), Port: uint16(port)}, nil
}

// lookup resolves the host part of an address. When listening, the host
// must be this one (or the unspecified address, which means the same here).
func (h *Host) lookup(host string, listen bool) (netip.Addr, error) {
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	switch name {
	case "", "localhost", h.name:
		return h.addr, nil
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		ip = ip.Unmap()
		switch {
		case ip == h.addr, ip.IsLoopback(), listen && ip.IsUnspecified():
			return h.addr, nil
		case listen:
			return netip.Addr{}, &net.AddrError{Err: "address is not this host's (" + h.addr.String() + ")", Addr: host}
		}
		for _, other := range []*Host{h.lab.client, h.lab.server} {
			if other != nil && ip == other.addr {
				return ip, nil
			}
		}
		return netip.Addr{}, &net.AddrError{Err: "no such host in the lab (" + ClientAddr.String() + " or " + ServerAddr.String() + ")", Addr: host}
	}
	if !listen {
		for _, other := range []*Host{h.lab.client, h.lab.server} {
			if other != nil && name == other.name {
				return other.addr, nil
			}
		}
	} else if name == ClientName || name == ServerName {
		return netip.Addr{}, &net.AddrError{Err: "address is not this host's (" + h.name + ")", Addr: host}
	}
	return netip.Addr{}, &net.DNSError{Err: "no such host in the lab (" + ClientName + " or " + ServerName + ")", Name: host, IsNotFound: true}
}
