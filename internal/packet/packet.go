// Package packet decodes the IPv4, TCP and UDP headers of one packet, as the
// virtual lab's tap hands it over (raw IPv4, header first). Demos use it to
// count what crossed the wire: handshakes, data segments, datagrams.
//
// It is deliberately small: no IPv6, no reassembly, no link layers. Reading
// whole captures in any format is internal/trace's job.
//
// Typical usage:
//
//	l.AddTap(func(f lab.Frame) {
//		p, err := packet.Decode(f.Data)
//		if err == nil && p.Proto == packet.TCP && p.Flags.Has(packet.SYN) { ... }
//	})
package packet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// IP protocol numbers (IANA).
const (
	TCP = 6
	UDP = 17
)

// Flags are TCP's control bits, RFC 9293 §3.1.
type Flags uint8

const (
	FIN Flags = 1 << iota
	SYN
	RST
	PSH
	ACK
	URG
)

// Has reports whether every bit of x is set.
func (f Flags) Has(x Flags) bool { return f&x == x }

// String writes the flags as tshark does: "SYN, ACK".
func (f Flags) String() string {
	var s []string
	for _, x := range []struct {
		bit  Flags
		name string
	}{{FIN, "FIN"}, {SYN, "SYN"}, {RST, "RST"}, {PSH, "PSH"}, {ACK, "ACK"}, {URG, "URG"}} {
		if f.Has(x.bit) {
			s = append(s, x.name)
		}
	}
	return strings.Join(s, ", ")
}

// Packet is what the headers of one IPv4 packet say.
type Packet struct {
	Src, Dst         netip.Addr
	Proto            int    // TCP, UDP, or another IP protocol number
	Total            int    // IPv4 total length: bytes on the wire (without link layer)
	IPHeader         int    // IHL×4: 20 without IP options
	L4Header         int    // TCP data offset×4 (20 + options), or 8 for UDP; 0 otherwise
	SrcPort, DstPort uint16 // TCP and UDP
	Seq, Ack         uint32 // TCP
	Flags            Flags  // TCP
	Window           uint16 // TCP, unscaled
	Options          []byte // TCP option bytes (aliases the input)
	Payload          []byte // application bytes (aliases the input)
}

// ErrShort says the bytes end before a header does.
var ErrShort = errors.New("packet too short")

// Decode reads an IPv4 packet. It never panics on malformed input: every
// length is checked against the bytes present. For protocols other than
// TCP and UDP only the IP fields are set, and Payload is the IP payload.
func Decode(b []byte) (Packet, error) {
	var p Packet
	if len(b) < 20 {
		return p, fmt.Errorf("IPv4 header: %w (%d bytes)", ErrShort, len(b))
	}
	if v := b[0] >> 4; v != 4 {
		return p, fmt.Errorf("IP version %d, want 4", v)
	}
	p.IPHeader = int(b[0]&0x0f) * 4
	p.Total = int(binary.BigEndian.Uint16(b[2:]))
	p.Proto = int(b[9])
	p.Src = netip.AddrFrom4([4]byte(b[12:16]))
	p.Dst = netip.AddrFrom4([4]byte(b[16:20]))
	if p.IPHeader < 20 || p.Total < p.IPHeader || p.Total > len(b) {
		return p, fmt.Errorf("IPv4 header length %d, total length %d, %d bytes present: inconsistent", p.IPHeader, p.Total, len(b))
	}
	if off := binary.BigEndian.Uint16(b[6:]) & 0x1fff; off != 0 || b[6]&0x20 != 0 {
		return p, errors.New("IPv4 fragment: transport header not decoded")
	}
	l4 := b[p.IPHeader:p.Total]
	switch p.Proto {
	case TCP:
		if len(l4) < 20 {
			return p, fmt.Errorf("TCP header: %w (%d bytes)", ErrShort, len(l4))
		}
		p.SrcPort = binary.BigEndian.Uint16(l4[0:])
		p.DstPort = binary.BigEndian.Uint16(l4[2:])
		p.Seq = binary.BigEndian.Uint32(l4[4:])
		p.Ack = binary.BigEndian.Uint32(l4[8:])
		p.L4Header = int(l4[12]>>4) * 4
		p.Flags = Flags(l4[13] & 0x3f)
		p.Window = binary.BigEndian.Uint16(l4[14:])
		if p.L4Header < 20 || p.L4Header > len(l4) {
			return p, fmt.Errorf("TCP data offset %d bytes, segment %d bytes: inconsistent", p.L4Header, len(l4))
		}
		p.Options = l4[20:p.L4Header]
		p.Payload = l4[p.L4Header:]
	case UDP:
		if len(l4) < 8 {
			return p, fmt.Errorf("UDP header: %w (%d bytes)", ErrShort, len(l4))
		}
		p.SrcPort = binary.BigEndian.Uint16(l4[0:])
		p.DstPort = binary.BigEndian.Uint16(l4[2:])
		n := int(binary.BigEndian.Uint16(l4[4:]))
		if n < 8 || n > len(l4) {
			return p, fmt.Errorf("UDP length %d, %d bytes present: inconsistent", n, len(l4))
		}
		p.L4Header = 8
		p.Payload = l4[8:n]
	default:
		p.Payload = l4
	}
	return p, nil
}

// SrcAddrPort and DstAddrPort are the endpoints of a TCP or UDP packet.
func (p Packet) SrcAddrPort() netip.AddrPort { return netip.AddrPortFrom(p.Src, p.SrcPort) }
func (p Packet) DstAddrPort() netip.AddrPort { return netip.AddrPortFrom(p.Dst, p.DstPort) }

// SeqEnd is the sequence number after this segment: SYN and FIN each count
// as one, as RFC 9293 §3.4 says.
func (p Packet) SeqEnd() uint32 {
	n := uint32(len(p.Payload))
	if p.Flags.Has(SYN) {
		n++
	}
	if p.Flags.Has(FIN) {
		n++
	}
	return p.Seq + n
}

// TCPOptions are the options a SYN carries, decoded (RFC 9293 §3.2, RFC 7323,
// RFC 2018).
type TCPOptions struct {
	MSS         int  // 0 if absent
	WindowScale int  // shift count; -1 if absent
	SACKPerm    bool //
	Timestamps  bool //
}

// ParseOptions decodes the TCP options it knows and skips the rest. A
// malformed option list stops the walk without error: options are advisory.
func (p Packet) ParseOptions() TCPOptions {
	o := TCPOptions{WindowScale: -1}
	b := p.Options
	for len(b) > 0 {
		kind := b[0]
		if kind == 0 { // end of option list
			break
		}
		if kind == 1 { // no-operation
			b = b[1:]
			continue
		}
		if len(b) < 2 || int(b[1]) < 2 || int(b[1]) > len(b) {
			break
		}
		opt := b[:b[1]]
		switch {
		case kind == 2 && len(opt) == 4:
			o.MSS = int(binary.BigEndian.Uint16(opt[2:]))
		case kind == 3 && len(opt) == 3:
			o.WindowScale = int(opt[2])
		case kind == 4:
			o.SACKPerm = true
		case kind == 8 && len(opt) == 10:
			o.Timestamps = true
		}
		b = b[len(opt):]
	}
	return o
}
