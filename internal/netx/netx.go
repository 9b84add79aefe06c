// Package netx holds the one small interface every demo talks to a network
// through, so that the same demo code runs on the kernel's loopback or on the
// virtual lab (internal/lab).
//
// Typical usage:
//
//	func serve(ctx context.Context, n netx.Network) error {
//		ln, err := n.Listen(ctx, "tcp", "127.0.0.1:0")
//		...
//	}
//
// A demo that wants real kernel sockets passes [Loopback]; one that wants a
// lossy, slow link passes a lab host (lab.Host implements Network).
package netx

import (
	"context"
	"net"
)

// Network opens connections, listeners and packet sockets. The values it
// returns are the standard library's interfaces, so net/http, crypto/tls and
// quic-go run over any Network unchanged.
type Network interface {
	// Dial connects to address on the named network ("tcp" or "udp").
	Dial(ctx context.Context, network, address string) (net.Conn, error)
	// Listen announces on a stream network ("tcp").
	Listen(ctx context.Context, network, address string) (net.Listener, error)
	// ListenPacket announces on a datagram network ("udp").
	ListenPacket(ctx context.Context, network, address string) (net.PacketConn, error)
}

// Loopback is the kernel's own network: real sockets, normally on 127.0.0.1.
var Loopback Network = kernel{}

type kernel struct{}

func (kernel) Dial(ctx context.Context, network, address string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, network, address)
}

func (kernel) Listen(ctx context.Context, network, address string) (net.Listener, error) {
	var lc net.ListenConfig
	return lc.Listen(ctx, network, address)
}

func (kernel) ListenPacket(ctx context.Context, network, address string) (net.PacketConn, error) {
	var lc net.ListenConfig
	return lc.ListenPacket(ctx, network, address)
}
