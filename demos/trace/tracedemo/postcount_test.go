package tracedemo

import (
	"encoding/binary"
	"testing"
)

// segment builds an IPv4 TCP segment with payload.
func segment(seq uint32, payload string) []byte {
	p := make([]byte, 40+len(payload))
	p[0] = 0x45
	binary.BigEndian.PutUint16(p[2:], uint16(len(p)))
	p[9] = 6
	binary.BigEndian.PutUint32(p[24:], seq)
	p[32] = 5 << 4
	p[33] = 0x18
	copy(p[40:], payload)
	return p
}

func TestTCPSegment(t *testing.T) {
	for _, c := range []struct {
		desc    string
		pkt     []byte
		ok      bool
		seq     uint32
		payload int
	}{
		{"data segment", segment(1000, "GET / HTTP/1.1\r\n\r\n"), true, 1000, 18},
		{"pure ACK", segment(7, ""), true, 7, 0},
		{"UDP", func() []byte { p := segment(1, "x"); p[9] = 17; return p }(), false, 0, 0},
		{"cut short", segment(1, "abcdef")[:43], false, 0, 0},
		{"data offset past the end", func() []byte { p := segment(1, ""); p[32] = 15 << 4; return p }(), false, 0, 0},
	} {
		s, ok := tcpSegment(c.pkt)
		if ok != c.ok || ok && (s.Seq != c.seq || len(s.Payload) != c.payload) {
			t.Errorf("%s: tcpSegment = seq %d, %d bytes, ok %v; want seq %d, %d bytes, ok %v", c.desc, s.Seq, len(s.Payload), ok, c.seq, c.payload, c.ok)
		}
	}
}
