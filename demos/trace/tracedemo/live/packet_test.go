package live

import (
	"encoding/binary"
	"slices"
	"testing"
)

// ipv4 builds an IPv4 packet with a 20-byte transport header whose first
// four bytes are the ports: a TCP header without options, or a UDP header
// and 12 bytes of payload.
func ipv4(proto byte, sport, dport uint16, fragOff uint16) []byte {
	p := make([]byte, 20+20)
	p[0] = 0x45
	binary.BigEndian.PutUint16(p[2:], uint16(len(p)))
	binary.BigEndian.PutUint16(p[6:], fragOff)
	p[9] = proto
	binary.BigEndian.PutUint16(p[20:], sport)
	binary.BigEndian.PutUint16(p[22:], dport)
	switch proto {
	case 6:
		p[32] = 5 << 4 // data offset: 20 bytes
	case 17:
		binary.BigEndian.PutUint16(p[24:], 20) // UDP length
	}
	return p
}

func TestFilterMatch(t *testing.T) {
	f := Filter{TCPPorts: []int{8080}, UDPPorts: []int{9000}}
	ipv6 := ipv4(6, 8080, 1, 0)
	ipv6[0] = 0x60
	for _, c := range []struct {
		desc string
		pkt  []byte
		want bool
	}{
		{"TCP to the server port", ipv4(6, 40000, 8080, 0), true},
		{"TCP from the server port", ipv4(6, 8080, 40000, 0), true},
		{"TCP elsewhere", ipv4(6, 40000, 443, 0), false},
		{"UDP to the UDP port", ipv4(17, 50000, 9000, 0), true},
		{"UDP to the TCP port", ipv4(17, 50000, 8080, 0), false},
		{"TCP to the UDP port", ipv4(6, 50000, 9000, 0), false},
		{"ICMP", ipv4(1, 8080, 8080, 0), false},
		{"later fragment", ipv4(6, 8080, 8080, 10), false},
		{"IPv6", ipv6, false},
		{"truncated", ipv4(6, 8080, 8080, 0)[:22], false},
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
	ip := ipv4(6, 1, 2, 0)
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
	f.Add(ipv4(6, 40000, 8080, 0))
	f.Add(ipv4(17, 9000, 1, 0))
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
