package packettest

import (
	"encoding/binary"
	"net/netip"

	"github.com/netdemo/netdemo/internal/trace/capfile"
)

// IP holds the IPv4 header fields a builder leaves at zero unless asked:
// captures made to look like a real host's set both (Linux numbers its
// packets and sets DF, RFC 791 §3.1, for path MTU discovery, RFC 1191).
type IP struct {
	ID           uint16 // identification
	DontFragment bool   // the DF flag
}

// Segment describes one TCP segment in full, for tests and generated
// captures that need more than [TCP] sets.
type Segment struct {
	IP
	Src, Dst netip.AddrPort
	Seq, Ack uint32
	// Flags are the nine flag bits of the TCP header (RFC 9293 §3.1, and
	// NS of RFC 3540 as bit 8); the low byte is a packet.Flags.
	Flags   uint16
	Window  uint16
	Options []byte // TCP options, padded with zeros to a multiple of 4
	Payload []byte
	// PayloadLen, when Payload is nil, sends this many zero bytes: bulk
	// data for a capture without building it.
	PayloadLen int
}

// AppendTCP appends to b an IPv4 packet holding seg, every length and
// checksum right. It allocates only when b must grow, so a generator can
// reuse one buffer for millions of packets.
func AppendTCP(b []byte, seg *Segment) []byte {
	src, dst := seg.Src.Addr(), seg.Dst.Addr()
	mustBe4(src, dst)
	opts := pad("TCP", seg.Options)
	plen := len(seg.Payload)
	if seg.Payload == nil {
		plen = seg.PayloadLen
	}
	thl := 20 + len(opts)
	b = appendIPv4Header(b, seg.IP, src, dst, 6, 20+thl+plen)
	t := len(b)
	b = binary.BigEndian.AppendUint16(b, seg.Src.Port())
	b = binary.BigEndian.AppendUint16(b, seg.Dst.Port())
	b = binary.BigEndian.AppendUint32(b, seg.Seq)
	b = binary.BigEndian.AppendUint32(b, seg.Ack)
	b = append(b, byte(thl/4)<<4|byte(seg.Flags>>8&1), byte(seg.Flags))
	b = binary.BigEndian.AppendUint16(b, seg.Window)
	b = append(b, 0, 0, 0, 0) // checksum, urgent pointer
	b = append(b, opts...)
	if seg.Payload != nil {
		b = append(b, seg.Payload...)
	} else {
		for range plen {
			b = append(b, 0)
		}
	}
	binary.BigEndian.PutUint16(b[t+16:], transportChecksum(src, dst, 6, b[t:]))
	return b
}

// AppendUDP appends to b an IPv4 packet holding one UDP datagram.
func AppendUDP(b []byte, ip IP, src, dst netip.AddrPort, payload []byte) []byte {
	mustBe4(src.Addr(), dst.Addr())
	b = appendIPv4Header(b, ip, src.Addr(), dst.Addr(), 17, 28+len(payload))
	u := len(b)
	b = binary.BigEndian.AppendUint16(b, src.Port())
	b = binary.BigEndian.AppendUint16(b, dst.Port())
	b = binary.BigEndian.AppendUint16(b, uint16(8+len(payload)))
	b = append(b, 0, 0)
	b = append(b, payload...)
	c := transportChecksum(src.Addr(), dst.Addr(), 17, b[u:])
	if c == 0 {
		c = 0xffff // zero would mean "no checksum" (RFC 768)
	}
	binary.BigEndian.PutUint16(b[u+6:], c)
	return b
}

// appendIPv4Header appends a 20-byte IPv4 header for a packet of total
// bytes, its checksum set.
func appendIPv4Header(b []byte, ip IP, src, dst netip.Addr, proto uint8, total int) []byte {
	mustBe4(src, dst)
	h := len(b)
	var frag byte
	if ip.DontFragment {
		frag = 0x40
	}
	b = append(b, 4<<4|5, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(total))
	b = binary.BigEndian.AppendUint16(b, ip.ID)
	b = append(b, frag, 0, TTL, proto, 0, 0)
	s, d := src.As4(), dst.As4()
	b = append(b, s[:]...)
	b = append(b, d[:]...)
	binary.BigEndian.PutUint16(b[h+10:], ^fold(sum(0, b[h:h+20])))
	return b
}

// LinuxSYNOptions are the options of a Linux SYN, in Linux's order: MSS,
// SACK permitted, timestamps (TSval, TSecr), NOP, window scale (RFC 9293
// §3.2, RFC 2018, RFC 7323).
func LinuxSYNOptions(mss uint16, tsval, tsecr uint32, ws uint8) []byte {
	b := []byte{2, 4, byte(mss >> 8), byte(mss), 4, 2, 8, 10}
	b = binary.BigEndian.AppendUint32(b, tsval)
	b = binary.BigEndian.AppendUint32(b, tsecr)
	return append(b, 1, 3, 3, ws)
}

// WithLink puts an IPv4 or IPv6 packet inside the link-layer header of
// link, as a capture of that link type holds it: Ethernet II, Linux cooked
// v1 and v2, BSD loopback (NULL, in x86's little endian) and OpenBSD LOOP
// (big endian). Raw IP link types get the packet as it is.
func WithLink(link capfile.LinkType, ip []byte) []byte {
	v6 := len(ip) > 0 && ip[0]>>4 == 6
	et := []byte{0x08, 0x00} // EtherType IPv4
	if v6 {
		et = []byte{0x86, 0xdd}
	}
	var h []byte
	switch link {
	case capfile.LinkEthernet: // destination, source, EtherType
		h = append([]byte{2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}, et...)
	case capfile.LinkLinuxSLL: // packet type, ARPHRD_ETHER, address length, address, protocol
		h = append([]byte{0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0}, et...)
	case capfile.LinkSLL2: // protocol, reserved, interface index, ARPHRD_ETHER, type, address
		h = append(append([]byte{}, et...), 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0)
	case capfile.LinkNull: // AF_INET 2, AF_INET6 30 (macOS)
		h = []byte{2, 0, 0, 0}
		if v6 {
			h = []byte{30, 0, 0, 0}
		}
	case capfile.LinkLoop: // AF_INET 2, AF_INET6 24 (OpenBSD)
		h = []byte{0, 0, 0, 2}
		if v6 {
			h = []byte{0, 0, 0, 24}
		}
	}
	return append(h, ip...)
}
