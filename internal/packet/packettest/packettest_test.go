package packettest_test

import (
	"fmt"
	"net/netip"
	"testing"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"

	"github.com/netdemo/netdemo/internal/packet"
	"github.com/netdemo/netdemo/internal/packet/packettest"
)

// TestPackets decodes what the builders make with internal/packet, and
// checks every checksum with gVisor's header package, a second opinion that
// shares no code with the builders.
func TestPackets(t *testing.T) {
	c, s := packettest.Client(40000), packettest.Server(80)
	mss := []byte{2, 4, 0x05, 0xb4}
	tests := []struct {
		desc                   string
		in                     []byte
		proto, total, ipH, l4H int
		flags                  packet.Flags
		seq, ack               uint32
		payload, options       string
		src, dst               netip.AddrPort
	}{
		{"SYN with an MSS option", packettest.TCP(c, s, 1000, 0, packet.SYN, mss, nil),
			packet.TCP, 44, 20, 24, packet.SYN, 1000, 0, "", string(mss), c, s},
		{"options padded to 4 bytes", packettest.TCP(c, s, 1, 2, packet.SYN, []byte{3, 3, 7}, nil),
			packet.TCP, 44, 20, 24, packet.SYN, 1, 2, "", "\x03\x03\x07\x00", c, s},
		{"data segment, odd length", packettest.TCP(s, c, 7, 1001, packet.PSH|packet.ACK, nil, []byte("hello")),
			packet.TCP, 45, 20, 20, packet.PSH | packet.ACK, 7, 1001, "hello", "", s, c},
		{"UDP datagram", packettest.UDP(c, s, []byte("ping")),
			packet.UDP, 32, 20, 8, 0, 0, 0, "ping", "", c, s},
		{"IP options", packettest.WithIPOptions(packettest.TCP(c, s, 5, 6, packet.ACK, nil, []byte("x")), []byte{148, 4}),
			packet.TCP, 45, 24, 20, packet.ACK, 5, 6, "x", "", c, s},
	}
	for _, tt := range tests {
		p, err := packet.Decode(tt.in)
		if err != nil {
			t.Errorf("%s: Decode: %v, want no error", tt.desc, err)
			continue
		}
		if p.Proto != tt.proto || p.Total != len(tt.in) || p.Total != tt.total || p.IPHeader != tt.ipH || p.L4Header != tt.l4H {
			t.Errorf("%s: proto %d, total %d of %d bytes, IP header %d, L4 header %d; want %d, %d, %d, %d",
				tt.desc, p.Proto, p.Total, len(tt.in), p.IPHeader, p.L4Header, tt.proto, tt.total, tt.ipH, tt.l4H)
		}
		if p.Flags != tt.flags || p.Seq != tt.seq || p.Ack != tt.ack || string(p.Payload) != tt.payload || string(p.Options) != tt.options {
			t.Errorf("%s: flags %v seq %d ack %d payload %q options %q; want %v %d %d %q %q",
				tt.desc, p.Flags, p.Seq, p.Ack, p.Payload, p.Options, tt.flags, tt.seq, tt.ack, tt.payload, tt.options)
		}
		if p.SrcAddrPort() != tt.src || p.DstAddrPort() != tt.dst {
			t.Errorf("%s: %v → %v, want %v → %v", tt.desc, p.SrcAddrPort(), p.DstAddrPort(), tt.src, tt.dst)
		}
		if ttl := tt.in[8]; ttl != packettest.TTL {
			t.Errorf("%s: TTL %d, want %d", tt.desc, ttl, packettest.TTL)
		}
		ip := header.IPv4(tt.in)
		if !ip.IsChecksumValid() {
			t.Errorf("%s: IPv4 header checksum %#04x is wrong", tt.desc, ip.Checksum())
		}
		seg := tt.in[p.IPHeader:]
		src, dst := tcpip.AddrFrom4(p.Src.As4()), tcpip.AddrFrom4(p.Dst.As4())
		xsum := header.PseudoHeaderChecksum(tcpip.TransportProtocolNumber(p.Proto), src, dst, uint16(len(seg)))
		if got := checksum.Checksum(seg, xsum); got != 0xffff {
			t.Errorf("%s: transport checksum does not verify (sum %#04x, want 0xffff)", tt.desc, got)
		}
	}
}

func TestIPv4CarriesAnyProtocol(t *testing.T) {
	icmp := []byte{8, 0, 0xf7, 0xff, 0, 0, 0, 0} // echo request
	b := packettest.IPv4(packettest.ClientAddr, packettest.ServerAddr, 1, icmp)
	p, err := packet.Decode(b)
	if err != nil || p.Proto != 1 || string(p.Payload) != string(icmp) || p.Total != 28 {
		t.Errorf("IPv4(ICMP) decodes to proto %d, %d-byte payload, total %d, err %v; want 1, 8, 28, nil", p.Proto, len(p.Payload), p.Total, err)
	}
	if !header.IPv4(b).IsChecksumValid() {
		t.Error("IPv4(ICMP): header checksum is wrong")
	}
}

func TestBadInputPanics(t *testing.T) {
	for _, tt := range []struct {
		desc string
		f    func()
	}{
		{"41 bytes of TCP options", func() {
			packettest.TCP(packettest.Client(1), packettest.Server(2), 0, 0, packet.SYN, make([]byte, 41), nil)
		}},
		{"IPv6 addresses", func() {
			packettest.UDP(netip.MustParseAddrPort("[::1]:1"), netip.MustParseAddrPort("[::1]:2"), nil)
		}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic, want one (the packet cannot be built)", tt.desc)
				}
			}()
			tt.f()
		}()
	}
}

func ExampleTCP() {
	syn := packettest.TCP(packettest.Client(40000), packettest.Server(80), 1000, 0, packet.SYN, []byte{2, 4, 0x05, 0xb4}, nil)
	p, _ := packet.Decode(syn)
	fmt.Println(p.SrcAddrPort(), "→", p.DstAddrPort(), p.Flags, "MSS", p.ParseOptions().MSS, "bytes", p.Total)
	// Output: 192.0.2.1:40000 → 192.0.2.2:80 SYN MSS 1460 bytes 44
}
