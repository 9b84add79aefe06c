package packettest_test

import (
	"bytes"
	"testing"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"

	"github.com/netdemo/netdemo/internal/packet"
	"github.com/netdemo/netdemo/internal/packet/packettest"
	"github.com/netdemo/netdemo/internal/trace/capfile"
)

// TestAppendTCP sets every field a Segment has and reads each back with
// gVisor's header package.
func TestAppendTCP(t *testing.T) {
	c, s := packettest.Client(40000), packettest.Server(80)
	prefix := []byte("kept")
	b := packettest.AppendTCP(bytes.Clone(prefix), &packettest.Segment{
		IP:  packettest.IP{ID: 0x1234, DontFragment: true},
		Src: c, Dst: s, Seq: 7, Ack: 9, Flags: 0x100 | uint16(packet.ACK), Window: 502,
		Options: packettest.LinuxSYNOptions(1460, 100, 0, 7), PayloadLen: 1448,
	})
	if !bytes.HasPrefix(b, prefix) {
		t.Fatalf("AppendTCP did not append: %q", b[:4])
	}
	pkt := b[len(prefix):]
	ip := header.IPv4(pkt)
	if ip.ID() != 0x1234 || ip.Flags() != header.IPv4FlagDontFragment || int(ip.TotalLength()) != len(pkt) || !ip.IsChecksumValid() {
		t.Errorf("IPv4: ID %#x flags %d total %d of %d checksum ok %v; want 0x1234, DF, %d, true",
			ip.ID(), ip.Flags(), ip.TotalLength(), len(pkt), ip.IsChecksumValid(), len(pkt))
	}
	tcp := header.TCP(ip.Payload())
	opts := header.ParseSynOptions(tcp.Options(), false)
	if tcp.SequenceNumber() != 7 || tcp.AckNumber() != 9 || tcp.WindowSize() != 502 || tcp.Flags() != header.TCPFlagAck ||
		pkt[32]&1 != 1 || opts.MSS != 1460 || opts.WS != 7 || !opts.SACKPermitted || opts.TSVal != 100 || len(tcp.Payload()) != 1448 {
		t.Errorf("TCP: seq %d ack %d win %d flags %v NS %d MSS %d WS %d SACK %v TSval %d payload %d; want 7 9 502 A 1 1460 7 true 100 1448",
			tcp.SequenceNumber(), tcp.AckNumber(), tcp.WindowSize(), tcp.Flags(), pkt[32]&1, opts.MSS, opts.WS, opts.SACKPermitted, opts.TSVal, len(tcp.Payload()))
	}
	xsum := header.PseudoHeaderChecksum(header.TCPProtocolNumber, tcpip.AddrFrom4(c.Addr().As4()), tcpip.AddrFrom4(s.Addr().As4()), uint16(len(tcp)))
	if checksum.Checksum(tcp, xsum) != 0xffff {
		t.Error("TCP checksum does not verify")
	}
	u := header.IPv4(packettest.AppendUDP(nil, packettest.IP{ID: 5}, c, s, []byte("x")))
	if u.ID() != 5 || u.Flags() != 0 || header.UDP(u.Payload()).Length() != 9 {
		t.Errorf("UDP: ID %d flags %d length %d; want 5, 0, 9", u.ID(), u.Flags(), header.UDP(u.Payload()).Length())
	}
}

// TestWithLink checks where each link header puts the packet and its type.
func TestWithLink(t *testing.T) {
	ip := packettest.UDP(packettest.Client(1), packettest.Server(2), nil)
	for _, tt := range []struct {
		link     capfile.LinkType
		hdr      int
		typeAt   int
		typeWant []byte
	}{
		{capfile.LinkEthernet, 14, 12, []byte{8, 0}},
		{capfile.LinkLinuxSLL, 16, 14, []byte{8, 0}},
		{capfile.LinkSLL2, 20, 0, []byte{8, 0}},
		{capfile.LinkNull, 4, 0, []byte{2, 0, 0, 0}},
		{capfile.LinkLoop, 4, 0, []byte{0, 0, 0, 2}},
		{capfile.LinkRaw, 0, 0, nil},
	} {
		b := packettest.WithLink(tt.link, ip)
		if len(b) != tt.hdr+len(ip) || !bytes.Equal(b[tt.hdr:], ip) || !bytes.Equal(b[tt.typeAt:tt.typeAt+len(tt.typeWant)], tt.typeWant) {
			t.Errorf("WithLink(%v): %x, want a %d-byte header with %x at %d", tt.link, b[:tt.hdr], tt.hdr, tt.typeWant, tt.typeAt)
		}
	}
}
