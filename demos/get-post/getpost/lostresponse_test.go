package getpost

import (
	"encoding/binary"
	"testing"
)

// ipTCP builds an IPv4+TCP packet with the given header lengths.
func ipTCP(ihl, doff, payload int, src, dst uint16) []byte {
	b := make([]byte, ihl+doff+payload)
	b[0] = 0x40 | byte(ihl/4)
	binary.BigEndian.PutUint16(b[2:4], uint16(len(b)))
	b[9] = 6
	binary.BigEndian.PutUint16(b[ihl:], src)
	binary.BigEndian.PutUint16(b[ihl+2:], dst)
	b[ihl+12] = byte(doff/4) << 4
	return b
}

func TestCarriesDataTo(t *testing.T) {
	udp := ipTCP(20, 20, 5, 1, 2)
	udp[9] = 17
	tests := []struct {
		desc string
		pkt  []byte
		port uint32
		want bool
	}{
		{"data to the port", ipTCP(20, 20, 100, 80, 40000), 40000, true},
		{"data from the port, not to it", ipTCP(20, 20, 100, 80, 40000), 80, false},
		{"IP and TCP options", ipTCP(24, 32, 7, 80, 1), 1, true},
		{"pure ACK", ipTCP(20, 20, 0, 80, 2), 2, false},
		{"udp", udp, 2, false},
		{"short", ipTCP(20, 20, 0, 1, 2)[:30], 2, false},
		{"empty", nil, 0, false},
	}
	for _, tc := range tests {
		if got := carriesDataTo(tc.pkt, tc.port); got != tc.want {
			t.Errorf("%s: carriesDataTo(port %d) = %v, want %v", tc.desc, tc.port, got, tc.want)
		}
	}
}
