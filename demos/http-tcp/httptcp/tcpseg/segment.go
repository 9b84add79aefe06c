// Package tcpseg reads the IPv4 and TCP headers of a packet, enough to
// count handshakes on the lab's wire: a connection starts with exactly one
// SYN from the client (RFC 9293 §3.5), so distinct SYNs are connections.
package tcpseg

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
)

// TCP header flags (RFC 9293 §3.1).
const (
	FIN = 0x01
	SYN = 0x02
	RST = 0x04
	PSH = 0x08
	ACK = 0x10
)

// Segment is what the headers say about one TCP segment.
type Segment struct {
	Src, Dst netip.AddrPort
	Seq, Ack uint32
	Flags    uint8
	Payload  int // bytes of TCP payload
}

// Opens reports whether the segment is a client's SYN: the first packet of
// a new connection (a SYN without ACK).
func (s Segment) Opens() bool { return s.Flags&SYN != 0 && s.Flags&ACK == 0 }

// ErrNotTCP means the packet is valid IPv4 but carries something else.
var ErrNotTCP = errors.New("not a TCP segment")

// Parse reads an IPv4 packet (header first, no link layer). It checks
// lengths, never checksums: the lab's taps see packets the stacks built.
func Parse(pkt []byte) (Segment, error) {
	var s Segment
	if len(pkt) < 20 {
		return s, fmt.Errorf("%d bytes: shorter than an IPv4 header", len(pkt))
	}
	if v := pkt[0] >> 4; v != 4 {
		return s, fmt.Errorf("IP version %d, want 4", v)
	}
	ihl := int(pkt[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(pkt[2:4]))
	if ihl < 20 || total < ihl || total > len(pkt) {
		return s, fmt.Errorf("bad IPv4 lengths: header %d, total %d, have %d", ihl, total, len(pkt))
	}
	if pkt[9] != 6 {
		return s, ErrNotTCP
	}
	if off := binary.BigEndian.Uint16(pkt[6:8]) & 0x1fff; off != 0 {
		return s, errors.New("IPv4 fragment after the first: no TCP header")
	}
	src := netip.AddrFrom4([4]byte(pkt[12:16]))
	dst := netip.AddrFrom4([4]byte(pkt[16:20]))
	t := pkt[ihl:total]
	if len(t) < 20 {
		return s, fmt.Errorf("%d bytes: shorter than a TCP header", len(t))
	}
	doff := int(t[12]>>4) * 4
	if doff < 20 || doff > len(t) {
		return s, fmt.Errorf("bad TCP data offset %d in %d bytes", doff, len(t))
	}
	s.Src = netip.AddrPortFrom(src, binary.BigEndian.Uint16(t[0:2]))
	s.Dst = netip.AddrPortFrom(dst, binary.BigEndian.Uint16(t[2:4]))
	s.Seq = binary.BigEndian.Uint32(t[4:8])
	s.Ack = binary.BigEndian.Uint32(t[8:12])
	s.Flags = t[13]
	s.Payload = len(t) - doff
	return s, nil
}
