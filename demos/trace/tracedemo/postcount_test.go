package tracedemo

import (
	"testing"

	ippacket "github.com/netdemo/netdemo/internal/packet"
	"github.com/netdemo/netdemo/internal/packet/packettest"
)

// segment is a PSH-ACK segment from the lab client to the server's port 80.
func segment(seq uint32, payload string) []byte {
	return packettest.TCP(packettest.Client(40000), packettest.Server(80), seq, 1, ippacket.PSH|ippacket.ACK, nil, []byte(payload))
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
		{"UDP", packettest.UDP(packettest.Client(40000), packettest.Server(80), []byte("x")), false, 0, 0},
		{"cut short", segment(1, "abcdef")[:43], false, 0, 0},
		{"data offset past the end", func() []byte { p := segment(1, ""); p[32] = 15 << 4; return p }(), false, 0, 0},
	} {
		s, ok := tcpSegment(c.pkt)
		if ok != c.ok || ok && (s.Seq != c.seq || len(s.Payload) != c.payload) {
			t.Errorf("%s: tcpSegment = seq %d, %d bytes, ok %v; want seq %d, %d bytes, ok %v", c.desc, s.Seq, len(s.Payload), ok, c.seq, c.payload, c.ok)
		}
	}
}
