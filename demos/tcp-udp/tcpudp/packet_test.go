package tcpudp

import (
	"encoding/binary"
	"reflect"
	"testing"
)

// ipv4 builds an IPv4 packet around an already built transport segment.
func ipv4(proto byte, l4 []byte) []byte {
	b := make([]byte, 20+len(l4))
	b[0] = 0x45
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
	b[8] = 64
	b[9] = proto
	copy(b[12:], []byte{192, 0, 2, 1, 192, 0, 2, 2})
	copy(b[20:], l4)
	return b
}

func tcpSeg(src, dst uint16, seq, ack uint32, flags byte, opts []byte, payload int) []byte {
	h := 20 + len(opts)
	b := make([]byte, h+payload)
	binary.BigEndian.PutUint16(b[0:], src)
	binary.BigEndian.PutUint16(b[2:], dst)
	binary.BigEndian.PutUint32(b[4:], seq)
	binary.BigEndian.PutUint32(b[8:], ack)
	b[12] = byte(h/4) << 4
	b[13] = flags
	copy(b[20:], opts)
	return b
}

func udpDgram(src, dst uint16, payload int) []byte {
	b := make([]byte, 8+payload)
	binary.BigEndian.PutUint16(b[0:], src)
	binary.BigEndian.PutUint16(b[2:], dst)
	binary.BigEndian.PutUint16(b[4:], uint16(len(b)))
	return b
}

// timestamps is the option block Linux and gVisor put in every segment:
// NOP, NOP, kind 8 length 10 with two 4-byte values.
var timestamps = []byte{1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2}

func TestDecodePacket(t *testing.T) {
	synOpts := []byte{2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7}
	tests := []struct {
		desc    string
		in      []byte
		want    packet
		options string
		flags   string
	}{
		{"SYN with options", ipv4(6, tcpSeg(40000, 9000, 1000, 0, flagSYN, synOpts, 0)),
			packet{Proto: protoTCP, Total: 60, IPHeader: 20, L4Header: 40, SrcPort: 40000, DstPort: 9000, Seq: 1000, Flags: flagSYN},
			"MSS, SACK-permitted, timestamps, window scale", "SYN"},
		{"data segment with timestamps", ipv4(6, tcpSeg(40000, 9000, 1001, 5, flagACK|flagPSH, timestamps, 100)),
			packet{Proto: protoTCP, Total: 152, IPHeader: 20, L4Header: 32, Payload: 100, SrcPort: 40000, DstPort: 9000, Seq: 1001, Ack: 5, Flags: flagACK | flagPSH},
			"timestamps", "PSH-ACK"},
		{"SYN-ACK", ipv4(6, tcpSeg(9000, 40000, 7, 1001, flagSYN|flagACK, nil, 0)),
			packet{Proto: protoTCP, Total: 40, IPHeader: 20, L4Header: 20, SrcPort: 9000, DstPort: 40000, Seq: 7, Ack: 1001, Flags: flagSYN | flagACK},
			"none", "SYN-ACK"},
		{"UDP datagram", ipv4(17, udpDgram(5353, 9000, 100)),
			packet{Proto: protoUDP, Total: 128, IPHeader: 20, L4Header: 8, Payload: 100, SrcPort: 5353, DstPort: 9000},
			"none", "none"},
	}
	for _, tc := range tests {
		got, err := decodePacket(tc.in)
		if err != nil {
			t.Errorf("%s: decodePacket: %v, want no error", tc.desc, err)
			continue
		}
		opts := optionNames(got.TCPOption)
		got.TCPOption = nil
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: decodePacket =\n  %+v\nwant\n  %+v", tc.desc, got, tc.want)
		}
		if opts != tc.options {
			t.Errorf("%s: options = %q, want %q", tc.desc, opts, tc.options)
		}
		if f := flagString(got.Flags); f != tc.flags {
			t.Errorf("%s: flags = %q, want %q", tc.desc, f, tc.flags)
		}
	}
}

func TestDecodePacketRejects(t *testing.T) {
	good := ipv4(6, tcpSeg(1, 2, 3, 4, flagACK, nil, 10))
	badOffset := append([]byte(nil), good...)
	badOffset[20+12] = 0xf0 // data offset 60 bytes in a 30-byte segment
	shortTotal := append([]byte(nil), good...)
	shortTotal[3] = 10
	fragment := append([]byte(nil), good...)
	fragment[6] = 0x20 // more fragments
	udpBadLen := ipv4(17, udpDgram(1, 2, 4))
	udpBadLen[20+5] = 200
	tests := []struct {
		desc string
		in   []byte
	}{
		{"empty", nil},
		{"IPv6 version", append([]byte{0x60}, make([]byte, 39)...)},
		{"TCP data offset past the end", badOffset},
		{"total length below the header", shortTotal},
		{"total length past the frame", good[:len(good)-1]},
		{"fragment", fragment},
		{"ICMP", ipv4(1, make([]byte, 8))},
		{"truncated TCP header", ipv4(6, make([]byte, 10))},
		{"UDP length past the end", udpBadLen},
	}
	for _, tc := range tests {
		if p, err := decodePacket(tc.in); err == nil {
			t.Errorf("%s: decodePacket = %+v, want an error", tc.desc, p)
		}
	}
}

func TestOptionNamesMalformed(t *testing.T) {
	for _, in := range [][]byte{{8}, {8, 0}, {8, 1}, {2, 4, 5}} {
		got := optionNames(in)
		if got == "" {
			t.Errorf("optionNames(%v) = empty, want a description", in)
		}
	}
}

// FuzzDecodePacket feeds arbitrary bytes to the decoder: it may reject
// them, but must never panic, and what it accepts must be self-consistent.
func FuzzDecodePacket(f *testing.F) {
	f.Add(ipv4(6, tcpSeg(40000, 9000, 1, 0, flagSYN, timestamps, 0)))
	f.Add(ipv4(6, tcpSeg(40000, 9000, 1, 0, flagACK, timestamps, 100)))
	f.Add(ipv4(17, udpDgram(1, 2, 3)))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := decodePacket(b)
		if err != nil {
			return
		}
		if p.IPHeader+p.L4Header+p.Payload != p.Total || p.Total > len(b) {
			t.Fatalf("decodePacket(%x) = %+v: headers %d+%d + payload %d != total %d (frame %d)", b, p, p.IPHeader, p.L4Header, p.Payload, p.Total, len(b))
		}
		optionNames(p.TCPOption)
		flagString(p.Flags)
	})
}
