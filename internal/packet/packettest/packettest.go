// Package packettest builds valid IPv4 packets for tests of code that reads
// lab frames: the raw IPv4 packets, header first, that the virtual lab's tap
// hands over (see internal/lab and internal/packet), and for the captures
// internal/trace generates and reads. It is netdemo's one packet builder.
//
// [TCP], [UDP] and [IPv4] build a packet in one call. [AppendTCP] and
// [AppendUDP] take every field ([Segment], [IP]: the IP ID, DF, the window,
// a payload given only by its length) and append to a buffer, so that a
// generator writing millions of packets reuses one. [WithLink] puts a
// packet inside an Ethernet, Linux cooked or loopback header for captures
// of those link types.
//
// Every packet it returns is well formed: the IPv4 total length and header
// checksum are right, TCP's data offset covers its options, UDP's length
// covers its payload, and the TCP and UDP checksums are computed over the
// pseudo-header (RFC 9293 §3.1, RFC 768). A test that needs a malformed
// packet builds a good one and then breaks the one field it is about, so the
// reader sees exactly what is wrong:
//
//	p := packettest.TCP(packettest.Client(40000), packettest.Server(80), 1, 0, packet.ACK, nil, []byte("x"))
//	p[6] = 0x20 // more fragments: no longer a whole segment
//
// Such a packet keeps its old checksum; internal/packet does not verify
// checksums, so only the broken field matters.
package packettest

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/netdemo/netdemo/internal/lab/names"
	"github.com/netdemo/netdemo/internal/packet"
)

// The lab's two hosts (internal/lab): the addresses its frames carry.
var (
	ClientAddr = names.ClientAddr
	ServerAddr = names.ServerAddr
)

// Client and Server are the lab hosts' endpoints on port.
func Client(port uint16) netip.AddrPort { return netip.AddrPortFrom(ClientAddr, port) }
func Server(port uint16) netip.AddrPort { return netip.AddrPortFrom(ServerAddr, port) }

// TTL is the time to live every packet starts with, as Linux sends it.
const TTL = 64

// Window is the receive window every TCP segment advertises.
const Window = 65535

// TCP builds an IPv4 packet holding one TCP segment. opts are the TCP option
// bytes; they are padded with zeros (end of option list) to a multiple of 4,
// which sets the data offset. At most 40 bytes of options fit. The segment
// advertises [Window]; use [AppendTCP] to set the window, the IP ID or DF.
func TCP(src, dst netip.AddrPort, seq, ack uint32, flags packet.Flags, opts, payload []byte) []byte {
	return AppendTCP(nil, &Segment{Src: src, Dst: dst, Seq: seq, Ack: ack, Flags: uint16(flags),
		Window: Window, Options: opts, Payload: payload})
}

// UDP builds an IPv4 packet holding one UDP datagram.
func UDP(src, dst netip.AddrPort, payload []byte) []byte {
	return AppendUDP(nil, IP{}, src, dst, payload)
}

// IPv4 wraps l4, the bytes after the IP header, in a 20-byte IPv4 header for
// IP protocol proto. It does not look inside l4: use it for other protocols
// (ICMP is 1) or for a transport header a test cut short on purpose.
func IPv4(src, dst netip.Addr, proto uint8, l4 []byte) []byte {
	b := appendIPv4Header(make([]byte, 0, 20+len(l4)), IP{}, src, dst, proto, 20+len(l4))
	return append(b, l4...)
}

// WithIPOptions returns a copy of the IPv4 packet pkt with opts as its IP
// header options, padded with zeros to a multiple of 4 (at most 40 bytes).
// The header length, total length and header checksum follow; the
// transport checksum does not change, as the pseudo-header has no options.
func WithIPOptions(pkt, opts []byte) []byte {
	opts = pad("IPv4", opts)
	ihl := int(pkt[0]&0x0f) * 4
	b := make([]byte, 0, 20+len(opts)+len(pkt)-ihl)
	b = append(b, pkt[:20]...)
	b = append(b, opts...)
	b = append(b, pkt[ihl:]...)
	b[0] = 4<<4 | byte((20+len(opts))/4)
	return fixIPHeader(b)
}

func mustBe4(src, dst netip.Addr) {
	if !src.Is4() || !dst.Is4() {
		panic(fmt.Sprintf("packettest: %v → %v is not IPv4", src, dst))
	}
}

// fixIPHeader sets the total length and header checksum of b.
func fixIPHeader(b []byte) []byte {
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
	binary.BigEndian.PutUint16(b[10:], 0)
	ihl := int(b[0]&0x0f) * 4
	binary.BigEndian.PutUint16(b[10:], ^fold(sum(0, b[:ihl])))
	return b
}

// pad pads an option list with zeros to a multiple of 4 bytes. A header's
// length is counted in 4-byte words, 15 at most with the 20 fixed bytes.
func pad(header string, opts []byte) []byte {
	if len(opts) > 40 {
		panic(fmt.Sprintf("packettest: %d bytes of %s options, at most 40 fit", len(opts), header))
	}
	if len(opts)%4 == 0 {
		return opts
	}
	return append(append([]byte(nil), opts...), make([]byte, 4-len(opts)%4)...)
}

// transportChecksum is the TCP or UDP checksum of seg (its checksum field
// zero) with the IPv4 pseudo-header in front.
func transportChecksum(src, dst netip.Addr, proto uint8, seg []byte) uint16 {
	s, d := src.As4(), dst.As4()
	acc := sum(sum(0, s[:]), d[:]) + uint32(proto) + uint32(len(seg))
	return ^fold(sum(acc, seg))
}

// sum adds b as big-endian 16-bit words to acc, the Internet checksum's
// one's-complement sum before folding (RFC 1071).
func sum(acc uint32, b []byte) uint32 {
	for ; len(b) >= 2; b = b[2:] {
		acc += uint32(b[0])<<8 | uint32(b[1])
	}
	if len(b) == 1 {
		acc += uint32(b[0]) << 8
	}
	return acc
}

func fold(acc uint32) uint16 {
	for acc > 0xffff {
		acc = acc&0xffff + acc>>16
	}
	return uint16(acc)
}
