package tracedemo

import (
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/netx"
	ippacket "github.com/netdemo/netdemo/internal/packet"
	"github.com/netdemo/netdemo/internal/packet/packettest"
	"github.com/netdemo/netdemo/internal/tap"
)

// frame is a PSH-ACK segment of the lab exchange, decoded as the recorder
// would, at ms milliseconds.
func frame(t *testing.T, dir netx.Direction, seq uint32, payload string, ms int) tap.Frame {
	t.Helper()
	c, s := packettest.Client(40000), packettest.Server(80)
	if dir == netx.ServerToClient {
		c, s = s, c
	}
	data := packettest.TCP(c, s, seq, 1, ippacket.PSH|ippacket.ACK, nil, []byte(payload))
	p, err := ippacket.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	return tap.Frame{At: time.Unix(0, 0).Add(time.Duration(ms) * time.Millisecond), Dir: dir, Data: data, Pkt: p}
}

func TestCountSegments(t *testing.T) {
	hdr := "POST /upload HTTP/1.1\r\nExpect: 100-continue\r\n\r\n"
	frames := []tap.Frame{
		frame(t, netx.ClientToServer, 1000, hdr, 0),
		frame(t, netx.ServerToClient, 1, "HTTP/1.1 100 Continue\r\n\r\n", 20),
		frame(t, netx.ClientToServer, 1000+uint32(len(hdr)), "aaaa", 40),
		frame(t, netx.ClientToServer, 1000+uint32(len(hdr)), "aaaa", 45), // sent again
		frame(t, netx.ClientToServer, 1004+uint32(len(hdr)), "bb", 50),
	}
	var out postCount
	countSegments(&out, frames)
	if out.Segments != 3 || out.HeaderBytes != len(hdr) || !out.HeadersAlone || !out.Got100 {
		t.Errorf("countSegments = %+v, want 3 new segments, headers alone (%d bytes), 100 Continue seen", out, len(hdr))
	}
	if out.HeaderWait != 40*time.Millisecond || out.Send != 50*time.Millisecond {
		t.Errorf("header wait %v, send %v; want 40ms and 50ms", out.HeaderWait, out.Send)
	}
	if len(out.Sizes) != 3 || out.Sizes[2] != 2 {
		t.Errorf("sizes = %v, want [%d 4 2]", out.Sizes, len(hdr))
	}
}
