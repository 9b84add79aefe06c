package trace

import "encoding/binary"

// Crafting packets by hand: the synthetic capture, the tests and the
// examples all need valid IPv4 packets with correct checksums, so that
// Wireshark and tshark read them without complaint.

// tcpSegment describes one TCP segment to craft.
type tcpSegment struct {
	src, dst     [4]byte
	sport, dport uint16
	seq, ack     uint32
	flags        uint16
	win          uint16
	opts         []byte // already encoded, length a multiple of 4
	payload      []byte
	payloadLen   int // when payload is nil, this many zero bytes
}

// appendIPv4TCP appends an IPv4 packet holding seg to b.
func appendIPv4TCP(b []byte, seg *tcpSegment, id uint16) []byte {
	plen := len(seg.payload)
	if seg.payload == nil {
		plen = seg.payloadLen
	}
	thl := 20 + len(seg.opts)
	total := 20 + thl + plen
	b = appendIPv4Header(b, seg.src, seg.dst, protoTCP, total, id)
	t := len(b)
	b = binary.BigEndian.AppendUint16(b, seg.sport)
	b = binary.BigEndian.AppendUint16(b, seg.dport)
	b = binary.BigEndian.AppendUint32(b, seg.seq)
	b = binary.BigEndian.AppendUint32(b, seg.ack)
	b = append(b, byte(thl/4)<<4|byte(seg.flags>>8&1), byte(seg.flags))
	b = binary.BigEndian.AppendUint16(b, seg.win)
	b = append(b, 0, 0, 0, 0) // checksum, urgent pointer
	b = append(b, seg.opts...)
	if seg.payload != nil {
		b = append(b, seg.payload...)
	} else {
		for range plen {
			b = append(b, 0)
		}
	}
	ck := transportChecksum(seg.src, seg.dst, protoTCP, b[t:])
	binary.BigEndian.PutUint16(b[t+16:], ck)
	return b
}

// appendIPv4UDP appends an IPv4 packet holding one UDP datagram to b.
func appendIPv4UDP(b []byte, src, dst [4]byte, sport, dport uint16, payload []byte, id uint16) []byte {
	b = appendIPv4Header(b, src, dst, protoUDP, 28+len(payload), id)
	t := len(b)
	b = binary.BigEndian.AppendUint16(b, sport)
	b = binary.BigEndian.AppendUint16(b, dport)
	b = binary.BigEndian.AppendUint16(b, uint16(8+len(payload)))
	b = append(b, 0, 0)
	b = append(b, payload...)
	ck := transportChecksum(src, dst, protoUDP, b[t:])
	if ck == 0 {
		ck = 0xffff
	}
	binary.BigEndian.PutUint16(b[t+6:], ck)
	return b
}

func appendIPv4Header(b []byte, src, dst [4]byte, proto uint8, total int, id uint16) []byte {
	h := len(b)
	b = append(b, 0x45, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(total))
	b = binary.BigEndian.AppendUint16(b, id)
	b = append(b, 0x40, 0, 64, proto, 0, 0) // DF, TTL 64
	b = append(b, src[:]...)
	b = append(b, dst[:]...)
	binary.BigEndian.PutUint16(b[h+10:], ^fold(sum16(b[h:h+20], 0)))
	return b
}

func transportChecksum(src, dst [4]byte, proto uint8, seg []byte) uint16 {
	s := sum16(src[:], 0)
	s = sum16(dst[:], s)
	s += uint32(proto) + uint32(len(seg))
	return ^fold(sum16(seg, s))
}

func sum16(b []byte, s uint32) uint32 {
	for len(b) >= 2 {
		s += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		s += uint32(b[0]) << 8
	}
	return s
}

func fold(s uint32) uint16 {
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return uint16(s)
}

// synOptions encodes the options of a Linux SYN: MSS, SACK permitted,
// timestamps and window scale, in Linux's order.
func synOptions(mss uint16, tsval, tsecr uint32, ws uint8) []byte {
	b := []byte{optMSS, 4, byte(mss >> 8), byte(mss), optSACKPerm, 2, optTS, 10}
	b = binary.BigEndian.AppendUint32(b, tsval)
	b = binary.BigEndian.AppendUint32(b, tsecr)
	return append(b, 1, optWS, 3, ws)
}
