package getpost

import (
	"testing"

	"github.com/netdemo/netdemo/internal/packet"
	"github.com/netdemo/netdemo/internal/packet/packettest"
)

func TestCarriesDataTo(t *testing.T) {
	server, client := packettest.Server(80), packettest.Client(40000)
	data := packettest.TCP(server, client, 1, 1, packet.PSH|packet.ACK, nil, make([]byte, 100))
	timestamps := []byte{1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2}
	routerAlert := []byte{148, 4, 0, 0} // RFC 2113: a 4-byte IP option
	tests := []struct {
		desc string
		pkt  []byte
		port uint32
		want bool
	}{
		{"data to the port", data, 40000, true},
		{"data from the port, not to it", data, 80, false},
		{"IP and TCP options", packettest.WithIPOptions(packettest.TCP(server, packettest.Client(1), 1, 1, packet.PSH|packet.ACK, timestamps, make([]byte, 7)), routerAlert), 1, true},
		{"pure ACK", packettest.TCP(server, packettest.Client(2), 1, 1, packet.ACK, nil, nil), 2, false},
		{"udp", packettest.UDP(packettest.Client(1), packettest.Server(2), make([]byte, 5)), 2, false},
		{"short", packettest.TCP(packettest.Client(1), packettest.Server(2), 1, 1, packet.ACK, nil, nil)[:30], 2, false},
		{"empty", nil, 0, false},
	}
	for _, tc := range tests {
		if got := carriesDataTo(tc.pkt, tc.port); got != tc.want {
			t.Errorf("%s: carriesDataTo(port %d) = %v, want %v", tc.desc, tc.port, got, tc.want)
		}
	}
}
