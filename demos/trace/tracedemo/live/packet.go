package live

import (
	"encoding/binary"
	"errors"
	"slices"
	"time"

	"github.com/netdemo/netdemo/internal/packet"
)

// Packet is one captured IPv4 packet, link-layer header removed.
type Packet struct {
	At   time.Time
	Data []byte // the IPv4 packet, header first
}

// ErrPermission is returned (wrapped) by Open when the process may not open
// a raw socket.
var ErrPermission = errors.New("capturing on the loopback needs CAP_NET_RAW")

// ErrUnsupported is returned by Open on systems without AF_PACKET.
var ErrUnsupported = errors.New("live capture is implemented for Linux only")

// Link-layer packet types of sockaddr_ll.sll_pkttype (linux/if_packet.h).
const (
	PacketHost     = 0 // addressed to this host: the loopback's incoming copy
	PacketOutgoing = 4 // sent by this host: the loopback's outgoing copy
)

// Dedup reports whether a packet of type pkttype read from the loopback
// should be kept: the outgoing copy is dropped, as libpcap does on "lo", so
// that each packet appears once.
func Dedup(pkttype uint8) bool { return pkttype != PacketOutgoing }

// Filter selects the demo's packets among everything on the loopback (other
// programs talk over 127.0.0.1 too): IPv4 TCP with a port in TCPPorts at
// either end, or UDP with a port in UDPPorts.
type Filter struct {
	TCPPorts, UDPPorts []int
}

// Match reports whether the IPv4 packet ip is one the filter selects. The
// headers are read by internal/packet: a packet it cannot decode (truncated,
// IPv6, a fragment — the demo's packets never fragment) is not selected.
func (f Filter) Match(ip []byte) bool {
	p, err := packet.Decode(ip)
	if err != nil {
		return false
	}
	var ports []int
	switch p.Proto {
	case packet.TCP:
		ports = f.TCPPorts
	case packet.UDP:
		ports = f.UDPPorts
	default:
		return false
	}
	return slices.Contains(ports, int(p.SrcPort)) || slices.Contains(ports, int(p.DstPort))
}

// stripEthernet returns the IPv4 packet inside an Ethernet II frame (the
// loopback's frames carry a zeroed Ethernet header), or nil.
func stripEthernet(frame []byte) []byte {
	if len(frame) < 14+20 || binary.BigEndian.Uint16(frame[12:14]) != 0x0800 {
		return nil
	}
	return frame[14:]
}
