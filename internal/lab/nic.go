package lab

import (
	"github.com/netdemo/netdemo/internal/netx"
	"sync"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// nic is a host's network card: the gVisor link endpoint that hands the
// stack's outgoing IPv4 packets to the lab, and through which the lab hands
// it incoming ones.
//
// It is a raw IP link: no link-layer header and no link addresses, so no
// ARP. It advertises no capabilities at all, and in particular no checksum
// offload: gVisor then computes every IPv4, TCP and UDP checksum itself, so
// the packets in a pcap are exactly what a real wire would carry and
// Wireshark finds nothing to complain about. Nor does it offer GSO, so TCP
// segments are cut to the MTU by the sending stack, as on a real link.
type nic struct {
	cable *cable
	dir   netx.Direction // the direction of the frames this NIC sends
	mtu   uint32

	mu         sync.RWMutex
	dispatcher stack.NetworkDispatcher // guarded by mu; nil once detached
}

var _ stack.LinkEndpoint = (*nic)(nil)

// WritePackets implements stack.LinkWriter: the stack sends.
func (n *nic) WritePackets(pkts stack.PacketBufferList) (int, tcpip.Error) {
	for _, pkt := range pkts.AsSlice() {
		n.cable.transmit(n.dir, pkt.ToBuffer())
	}
	return pkts.Len(), nil
}

// deliver hands one incoming IPv4 packet to the stack, which takes buf.
func (n *nic) deliver(buf buffer.Buffer) {
	n.mu.RLock()
	d := n.dispatcher
	n.mu.RUnlock()
	if d == nil {
		buf.Release()
		return
	}
	pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buf})
	d.DeliverNetworkPacket(header.IPv4ProtocolNumber, pkt)
	pkt.DecRef()
}

// Attach implements stack.NetworkLinkEndpoint.
func (n *nic) Attach(d stack.NetworkDispatcher) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.dispatcher = d
}

// IsAttached implements stack.NetworkLinkEndpoint.
func (n *nic) IsAttached() bool {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.dispatcher != nil
}

// MTU implements stack.NetworkLinkEndpoint.
func (n *nic) MTU() uint32 { return n.mtu }

// SetMTU implements stack.NetworkLinkEndpoint. A link's MTU is fixed by its
// Link, the same on both hosts, so requests to change it are ignored.
func (n *nic) SetMTU(uint32) {}

// MaxHeaderLength implements stack.NetworkLinkEndpoint: raw IP has no
// link-layer header.
func (*nic) MaxHeaderLength() uint16 { return 0 }

// LinkAddress implements stack.NetworkLinkEndpoint: raw IP has none.
func (*nic) LinkAddress() tcpip.LinkAddress { return "" }

// SetLinkAddress implements stack.NetworkLinkEndpoint.
func (*nic) SetLinkAddress(tcpip.LinkAddress) {}

// Capabilities implements stack.NetworkLinkEndpoint; see the type's comment
// for why there are none.
func (*nic) Capabilities() stack.LinkEndpointCapabilities { return 0 }

// Wait implements stack.NetworkLinkEndpoint. The NIC owns no goroutines;
// the lab's delay lines are stopped by Lab.Close.
func (*nic) Wait() {}

// ARPHardwareType implements stack.NetworkLinkEndpoint.
func (*nic) ARPHardwareType() header.ARPHardwareType { return header.ARPHardwareNone }

// AddHeader implements stack.NetworkLinkEndpoint: there is no header to add.
func (*nic) AddHeader(*stack.PacketBuffer) {}

// ParseHeader implements stack.NetworkLinkEndpoint: there is none to parse.
func (*nic) ParseHeader(*stack.PacketBuffer) bool { return true }

// Close implements stack.NetworkLinkEndpoint.
func (*nic) Close() {}

// SetOnCloseAction implements stack.NetworkLinkEndpoint.
func (*nic) SetOnCloseAction(func()) {}
