package tcpudp

import (
	"errors"
	"fmt"
	"strings"
)

// IP protocol numbers (IANA): the only two this demo looks at.
const (
	protoTCP = 6
	protoUDP = 17
)

// TCP flag bits, RFC 9293 §3.1 (the low byte of the flags field).
const (
	flagFIN = 1 << iota
	flagSYN
	flagRST
	flagPSH
	flagACK
	flagURG
)

// packet is what the demo reads from one IPv4 frame the lab's tap saw. It is
// decoded by hand, field by field, from the header layouts in RFC 791 §3.1,
// RFC 9293 §3.1 and RFC 768, because the point of the demo is to show those
// very bytes.
type packet struct {
	Proto     int    // protoTCP or protoUDP (other protocols are an error)
	Total     int    // IPv4 total length: bytes of this packet on the wire
	IPHeader  int    // IHL×4: 20 without IP options
	L4Header  int    // TCP data offset×4 (20 + options), or 8 for UDP
	Payload   int    // application bytes
	SrcPort   uint16 //
	DstPort   uint16 //
	Seq       uint32 // TCP only
	Ack       uint32 // TCP only
	Flags     uint8  // TCP only
	TCPOption []byte // TCP only: the raw option bytes (timestamps, SACK, ...)
}

var errShort = errors.New("packet too short")

// decodePacket reads an IPv4 packet carrying TCP or UDP. It never panics on
// malformed input: every length is checked against the bytes present.
func decodePacket(b []byte) (packet, error) {
	var p packet
	if len(b) < 20 {
		return p, fmt.Errorf("IPv4 header: %w (%d bytes)", errShort, len(b))
	}
	if v := b[0] >> 4; v != 4 {
		return p, fmt.Errorf("IP version %d, want 4", v)
	}
	p.IPHeader = int(b[0]&0x0f) * 4
	p.Total = int(b[2])<<8 | int(b[3])
	p.Proto = int(b[9])
	if p.IPHeader < 20 || p.Total < p.IPHeader || p.Total > len(b) {
		return p, fmt.Errorf("IPv4 header length %d, total length %d, frame %d bytes: inconsistent", p.IPHeader, p.Total, len(b))
	}
	if off := (int(b[6])&0x1f)<<8 | int(b[7]); off != 0 || b[6]&0x20 != 0 {
		return p, errors.New("IPv4 fragment: transport header not decoded")
	}
	l4 := b[p.IPHeader:p.Total]
	switch p.Proto {
	case protoTCP:
		if len(l4) < 20 {
			return p, fmt.Errorf("TCP header: %w (%d bytes)", errShort, len(l4))
		}
		p.SrcPort = be16(l4[0:])
		p.DstPort = be16(l4[2:])
		p.Seq = be32(l4[4:])
		p.Ack = be32(l4[8:])
		p.L4Header = int(l4[12]>>4) * 4
		p.Flags = l4[13] & 0x3f
		if p.L4Header < 20 || p.L4Header > len(l4) {
			return p, fmt.Errorf("TCP data offset %d bytes, segment %d bytes: inconsistent", p.L4Header, len(l4))
		}
		p.TCPOption = l4[20:p.L4Header]
	case protoUDP:
		if len(l4) < 8 {
			return p, fmt.Errorf("UDP header: %w (%d bytes)", errShort, len(l4))
		}
		p.SrcPort = be16(l4[0:])
		p.DstPort = be16(l4[2:])
		p.L4Header = 8
		if n := int(be16(l4[4:])); n < 8 || n > len(l4) {
			return p, fmt.Errorf("UDP length %d, datagram %d bytes: inconsistent", n, len(l4))
		}
	default:
		return p, fmt.Errorf("IP protocol %d is neither TCP nor UDP", p.Proto)
	}
	p.Payload = len(l4) - p.L4Header
	return p, nil
}

func be16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }
func be32(b []byte) uint32 { return uint32(be16(b))<<16 | uint32(be16(b[2:])) }

// flagString names TCP flags the way tcpdump's readers say them: "SYN",
// "SYN-ACK", "ACK", "PSH-ACK", "FIN-ACK".
func flagString(f uint8) string {
	var parts []string
	for _, n := range []struct {
		bit  uint8
		name string
	}{{flagSYN, "SYN"}, {flagFIN, "FIN"}, {flagRST, "RST"}, {flagPSH, "PSH"}, {flagURG, "URG"}, {flagACK, "ACK"}} {
		if f&n.bit != 0 {
			parts = append(parts, n.name)
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "-")
}

// optionNames lists the kinds of TCP options present (RFC 9293 §3.2, RFC
// 7323 for timestamps and window scale, RFC 2018 for SACK), e.g.
// "MSS, SACK-permitted, timestamps, window scale".
func optionNames(opt []byte) string {
	var names []string
	for i := 0; i < len(opt); {
		kind := opt[i]
		if kind == 0 { // end of option list
			break
		}
		if kind == 1 { // no-operation: one byte of padding
			i++
			continue
		}
		if i+1 >= len(opt) || opt[i+1] < 2 {
			names = append(names, "malformed")
			break
		}
		switch kind {
		case 2:
			names = append(names, "MSS")
		case 3:
			names = append(names, "window scale")
		case 4:
			names = append(names, "SACK-permitted")
		case 5:
			names = append(names, "SACK")
		case 8:
			names = append(names, "timestamps")
		default:
			names = append(names, fmt.Sprintf("kind %d", kind))
		}
		i += int(opt[i+1])
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
