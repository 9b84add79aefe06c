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

// Host is one machine of the lab: a complete TCP/IP stack with one NIC on
// each link it is on. It implements netx.Network.
type Host struct {
	lab   *Lab
	name  string
	nics  []hostNIC // in the order of Topology.Links; NIC i has ID i+1
	stack *stack.Stack
}

// hostNIC is one of a host's NICs and its address.
type hostNIC struct {
	nic    *nic
	addr   netip.Addr
	subnet netip.Prefix
}

// TCP buffer sizes: {min, default, max} bytes per socket. The maximum is
// large enough for a full gigabit window at a 40 ms RTT (5 MB); gVisor grows
// the receive buffer towards it as the connection needs (receive buffer
// moderation, as Linux does).
var (
	tcpSendBuffer    = tcpip.TCPSendBufferSizeRangeOption{Min: 4 << 10, Default: 1 << 20, Max: 8 << 20}
	tcpReceiveBuffer = tcpip.TCPReceiveBufferSizeRangeOption{Min: 4 << 10, Default: 1 << 20, Max: 8 << 20}
)

// start starts the host's stack with IPv4, TCP and UDP, and gives it its
// NICs, addresses and routes.
func (h *Host) start(rng *stackRand) error {
	s := stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol, udp.NewProtocol},
		// A host can talk to itself without its packets touching the link.
		HandleLocal: true,
		RandSource:  rng,
		SecureRNG:   rng,
	})
	if err := configure(s, h.nics); err != nil {
		s.Destroy()
		return err
	}
	h.stack = s
	return nil
}

func configure(s *stack.Stack, nics []hostNIC) error {
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
	// One route per link: a host reaches the subnets it is on, and no
	// others (there is no default route and no forwarding).
	var routes []tcpip.Route
	for i, n := range nics {
		id := tcpip.NICID(i + 1)
		if err := s.CreateNICWithOptions(id, n.nic, stack.NICOptions{Name: "lab" + itoa(i)}); err != nil {
			return fmt.Errorf("creating NIC %d: %s", i, err)
		}
		pa := tcpip.ProtocolAddress{
			Protocol: ipv4.ProtocolNumber,
			AddressWithPrefix: tcpip.AddressWithPrefix{
				Address:   tcpip.AddrFrom4(n.addr.As4()),
				PrefixLen: n.subnet.Bits(),
			},
		}
		if err := s.AddProtocolAddress(id, pa, stack.AddressProperties{}); err != nil {
			return fmt.Errorf("adding address %v: %s", n.addr, err)
		}
		routes = append(routes, tcpip.Route{Destination: pa.AddressWithPrefix.Subnet(), NIC: id})
	}
	s.SetRouteTable(routes)
	return nil
}

// Name is the host's name: "client.test", "server.test", "proxy.test"
// (RFC 6761 reserves .test).
func (h *Host) Name() string { return h.name }

// Addr is the host's IPv4 address on its first link (its only one on the
// preset).
func (h *Host) Addr() netip.Addr { return h.nics[0].addr }

// Addrs are the host's addresses, one per link it is on, in the order of
// Topology.Links.
func (h *Host) Addrs() []netip.Addr {
	out := make([]netip.Addr, len(h.nics))
	for i, n := range h.nics {
		out[i] = n.addr
	}
	return out
}

// has reports whether a is one of the host's addresses.
func (h *Host) has(a netip.Addr) bool {
	for _, n := range h.nics {
		if n.addr == a {
			return true
		}
	}
	return false
}

// addrFacing is the address of h that peer reaches it at: the one on a
// link they share, or h's first address when they share none.
func (h *Host) addrFacing(peer *Host) netip.Addr {
	for _, n := range h.nics {
		if n.nic.cable.ends[0] == peer || n.nic.cable.ends[1] == peer {
			return n.addr
		}
	}
	return h.Addr()
}

// String returns the host's name.
func (h *Host) String() string { return h.name }
