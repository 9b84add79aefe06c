package getpost

import (
	"encoding/binary"
	"testing"
)

// packet builds an IPv4+TCP packet with the given header lengths.
func packet(ihl, doff, payload int, src, dst uint16) []byte {
	b := make([]byte, ihl+doff+payload)
	b[0] = 0x40 | byte(ihl/4)
	binary.BigEndian.PutUint16(b[2:4], uint16(len(b)))
	b[9] = 6
	binary.BigEndian.PutUint16(b[ihl:], src)
	binary.BigEndian.PutUint16(b[ihl+2:], dst)
	b[ihl+12] = byte(doff/4) << 4
	return b
}

func TestTCPSegment(t *testing.T) {
	udp := packet(20, 20, 5, 1, 2)
	udp[9] = 17
	tests := []struct {
		desc     string
		pkt      []byte
		src, dst uint16
		payload  int
		ok       bool
	}{
		{"plain", packet(20, 20, 100, 80, 40000), 80, 40000, 100, true},
		{"options", packet(24, 32, 7, 80, 1), 80, 1, 7, true},
		{"pure ACK", packet(20, 20, 0, 80, 2), 80, 2, 0, true},
		{"udp", udp, 0, 0, 0, false},
		{"short", packet(20, 20, 0, 1, 2)[:30], 0, 0, 0, false},
		{"empty", nil, 0, 0, 0, false},
	}
	for _, tc := range tests {
		src, dst, n, ok := tcpSegment(tc.pkt)
		if ok != tc.ok || src != tc.src || dst != tc.dst || n != tc.payload {
			t.Errorf("%s: tcpSegment = %d, %d, %d, %v; want %d, %d, %d, %v", tc.desc, src, dst, n, ok, tc.src, tc.dst, tc.payload, tc.ok)
		}
	}
}

func FuzzTCPSegment(f *testing.F) {
	f.Add(packet(20, 20, 10, 80, 1234))
	f.Add(packet(60, 60, 0, 1, 2))
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, _, n, ok := tcpSegment(b); ok && (n < 0 || n > len(b)) {
			t.Fatalf("payload %d of a %d-byte packet", n, len(b))
		}
	})
}
