package live

import (
	"encoding/binary"
	"slices"
	"testing"

	"github.com/netdemo/netdemo/internal/packet"
	"github.com/netdemo/netdemo/internal/packet/packettest"
)

// tcp and udp are a bare TCP segment and a datagram with 12 bytes of
// payload, from the lab client's port sport to the server's port dport.
func tcp(sport, dport uint16) []byte {
	return packettest.TCP(packettest.Client(sport), packettest.Server(dport), 1, 1, packet.ACK, nil, nil)
}

func udp(sport, dport uint16) []byte {
	return packettest.UDP(packettest.Client(sport), packettest.Server(dport), make([]byte, 12))
}

func TestFilterMatch(t *testing.T) {
	f := Filter{TCPPorts: []int{8080}, UDPPorts: []int{9000}}
	ipv6 := tcp(8080, 1)
	ipv6[0] = 0x60
	// ICMP whose first bytes would read as ports 8080.
	icmp := packettest.IPv4(packettest.ClientAddr, packettest.ServerAddr, 1, tcp(8080, 8080)[20:])
	fragment := tcp(8080, 8080)
	binary.BigEndian.PutUint16(fragment[6:], 10) // fragment offset 10×8 bytes
	for _, c := range []struct {
		desc string
		pkt  []byte
		want bool
	}{
		{"TCP to the server port", tcp(40000, 8080), true},
		{"TCP from the server port", tcp(8080, 40000), true},
		{"TCP elsewhere", tcp(40000, 443), false},
		{"UDP to the UDP port", udp(50000, 9000), true},
		{"UDP to the TCP port", udp(50000, 8080), false},
		{"TCP to the UDP port", tcp(50000, 9000), false},
		{"ICMP", icmp, false},
		{"later fragment", fragment, false},
		{"IPv6", ipv6, false},
		{"truncated", tcp(8080, 8080)[:22], false},
		{"empty", nil, false},
	} {
		if got := f.Match(c.pkt); got != c.want {
			t.Errorf("%s: Match = %v, want %v", c.desc, got, c.want)
		}
	}
}

func TestDedupDropsOutgoingCopy(t *testing.T) {
	if Dedup(PacketOutgoing) {
		t.Error("Dedup(PACKET_OUTGOING) = true, want false: the loopback's outgoing copy must be dropped")
	}
	if !Dedup(PacketHost) {
		t.Error("Dedup(PACKET_HOST) = false, want true: the incoming copy is the one shown")
	}
}

func TestStripEthernet(t *testing.T) {
	ip := tcp(1, 2)
	frame := append(make([]byte, 14), ip...)
	binary.BigEndian.PutUint16(frame[12:], 0x0800)
	if got := stripEthernet(frame); !slices.Equal(got, ip) {
		t.Errorf("stripEthernet(IPv4 frame) = % x, want the IPv4 packet", got)
	}
	binary.BigEndian.PutUint16(frame[12:], 0x86dd)
	if got := stripEthernet(frame); got != nil {
		t.Errorf("stripEthernet(IPv6 frame) = % x, want nil", got)
	}
}

// FuzzFilterMatch: the filter reads raw bytes off the wire; whatever they
// are it must not panic, and it may only accept IPv4 TCP/UDP whose ports
// are the filter's.
func FuzzFilterMatch(f *testing.F) {
	f.Add(tcp(40000, 8080))
	f.Add(udp(9000, 1))
	f.Add([]byte{0x4f})
	f.Fuzz(func(t *testing.T, pkt []byte) {
		flt := Filter{TCPPorts: []int{8080}, UDPPorts: []int{9000}}
		if !flt.Match(pkt) {
			return
		}
		ihl := int(pkt[0]&0x0f) * 4
		s, d := int(binary.BigEndian.Uint16(pkt[ihl:])), int(binary.BigEndian.Uint16(pkt[ihl+2:]))
		ports := flt.TCPPorts
		if pkt[9] == 17 {
			ports = flt.UDPPorts
		}
		if pkt[0]>>4 != 4 || !slices.Contains(ports, s) && !slices.Contains(ports, d) {
			t.Errorf("Match accepted % x", pkt)
		}
		stripEthernet(pkt)
	})
}
