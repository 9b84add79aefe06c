package lab

import (
	"fmt"
	"net/netip"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
)

// Host is one end of the lab: a complete TCP/IP stack with one NIC on the
// link. It implements netx.Network.
type Host struct {
	lab   *Lab
	name  string
	addr  netip.Addr
	stack *stack.Stack
}

// nicID is the only NIC of each host's stack.
const nicID tcpip.NICID = 1

// labPrefix is the lab's one subnet, 192.0.2.0/24.
var labPrefix = netip.MustParsePrefix("192.0.2.0/24")

// TCP buffer sizes: {min, default, max} bytes per socket. The maximum is
// large enough for a full gigabit window at a 40 ms RTT (5 MB); gVisor grows
// the receive buffer towards it as the connection needs (receive buffer
// moderation, as Linux does).
var (
	tcpSendBuffer    = tcpip.TCPSendBufferSizeRangeOption{Min: 4 << 10, Default: 1 << 20, Max: 8 << 20}
	tcpReceiveBuffer = tcpip.TCPReceiveBufferSizeRangeOption{Min: 4 << 10, Default: 1 << 20, Max: 8 << 20}
)

// newHost starts a stack with IPv4, TCP and UDP, and gives it addr on n.
func newHost(l *Lab, name string, addr netip.Addr, n *nic, rng *stackRand) (*Host, error) {
	s := stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol, udp.NewProtocol},
		// A host can talk to itself without its packets touching the link.
		HandleLocal: true,
		RandSource:  rng,
		SecureRNG:   rng,
	})
	h := &Host{lab: l, name: name, addr: addr, stack: s}
	if err := h.configure(n); err != nil {
		s.Destroy()
		return nil, err
	}
	return h, nil
}

func (h *Host) configure(n *nic) error {
	s := h.stack
	sack := tcpip.TCPSACKEnabled(true)
	moderate := tcpip.TCPModerateReceiveBufferOption(true)
	for _, opt := range []struct {
		name string
		v    tcpip.SettableTransportProtocolOption
	}{
		{"SACK", &sack},
		{"receive buffer moderation", &moderate},
		{"send buffer sizes", &tcpSendBuffer},
		{"receive buffer sizes", &tcpReceiveBuffer},
	} {
		if err := s.SetTransportProtocolOption(tcp.ProtocolNumber, opt.v); err != nil {
			return fmt.Errorf("setting TCP %s: %s", opt.name, err)
		}
	}
	if err := s.CreateNICWithOptions(nicID, n, stack.NICOptions{Name: "lab0"}); err != nil {
		return fmt.Errorf("creating NIC: %s", err)
	}
	pa := tcpip.ProtocolAddress{
		Protocol: ipv4.ProtocolNumber,
		AddressWithPrefix: tcpip.AddressWithPrefix{
			Address:   tcpip.AddrFrom4(h.addr.As4()),
			PrefixLen: labPrefix.Bits(),
		},
	}
	if err := s.AddProtocolAddress(nicID, pa, stack.AddressProperties{}); err != nil {
		return fmt.Errorf("adding address %v: %s", h.addr, err)
	}
	s.SetRouteTable([]tcpip.Route{{Destination: pa.AddressWithPrefix.Subnet(), NIC: nicID}})
	return nil
}

// Name is "client.test" or "server.test" (RFC 6761 reserves .test).
func (h *Host) Name() string { return h.name }

// Addr is the host's IPv4 address.
func (h *Host) Addr() netip.Addr { return h.addr }

// String returns the host's name.
func (h *Host) String() string { return h.name }
