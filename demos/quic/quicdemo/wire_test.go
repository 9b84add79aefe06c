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
