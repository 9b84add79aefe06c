package quicdemo

import (
	"slices"
	"testing"
)

// longHeader builds a QUIC v1 long-header packet of the given type (0
// Initial, 1 0-RTT, 2 Handshake) with a payload of n bytes.
func longHeader(typ byte, n int) []byte {
	p := []byte{0xc0 | typ<<4, 0, 0, 0, 1, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0}
	if typ == 0 {
		p = append(p, 0) // no token
	}
	p = append(p, 0x40|byte(n>>8), byte(n)) // two-byte varint length
	return append(p, make([]byte, n)...)
}

func TestQUICPackets(t *testing.T) {
	tests := []struct {
		desc string
		d    []byte
		want []string
	}{
		{"one Initial", longHeader(0, 1200), []string{"Initial"}},
		{"Initial then 0-RTT, coalesced", append(longHeader(0, 100), longHeader(1, 50)...), []string{"Initial", "0-RTT"}},
		{"Initial, Handshake, then a short header", slices.Concat(longHeader(0, 30), longHeader(2, 40), []byte{0x40, 1, 2, 3}), []string{"Initial", "Handshake", "1-RTT"}},
		{"short header only", []byte{0x41, 9, 9}, []string{"1-RTT"}},
		{"length past the end stops parsing", longHeader(2, 40)[:30], []string{"Handshake"}},
		{"Retry ends the datagram", []byte{0xf0, 0, 0, 0, 1, 0, 0, 1, 2}, []string{"Retry"}},
		{"empty", nil, nil},
	}
	for _, tt := range tests {
		if got := quicPackets(tt.d); !slices.Equal(got, tt.want) {
			t.Errorf("%s: quicPackets = %v, want %v", tt.desc, got, tt.want)
		}
	}
}

func TestVarint(t *testing.T) {
	// RFC 9000 §A.1 examples.
	tests := []struct {
		in   []byte
		v    uint64
		size int
	}{
		{[]byte{0xc2, 0x19, 0x7c, 0x5e, 0xff, 0x14, 0xe8, 0x8c}, 151288809941952652, 8},
		{[]byte{0x9d, 0x7f, 0x3e, 0x7d}, 494878333, 4},
		{[]byte{0x7b, 0xbd}, 15293, 2},
		{[]byte{0x25}, 37, 1},
		{[]byte{0x40, 0x25}, 37, 2},
		{[]byte{0x7b}, 0, 0}, // truncated
	}
	for _, tt := range tests {
		if v, k := varint(tt.in); v != tt.v || k != tt.size {
			t.Errorf("varint(% x) = %d, %d; want %d, %d", tt.in, v, k, tt.v, tt.size)
		}
	}
}

func FuzzQUICPackets(f *testing.F) {
	f.Add(longHeader(0, 1200))
	f.Add(append(longHeader(0, 100), longHeader(1, 50)...))
	f.Add([]byte{0xc0, 0, 0, 0, 1, 255})
	f.Fuzz(func(t *testing.T, d []byte) {
		got := quicPackets(d)
		if len(got) > len(d) {
			t.Fatalf("%d packets in %d bytes", len(got), len(d))
		}
	})
}
