package httptcp

import (
	"net/netip"

	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/tap"

	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/packet"
)

// wire counts what the lab's link carried: TCP handshakes (distinct client
// SYNs) and segments that carried data. It is how the demo knows how many
// connections a client opened without trusting the client's word for it.
type wire struct{ rec *tap.Recorder }

// synKey tells a new connection's SYN from a retransmitted one: the same
// port and initial sequence number are the same connection.
type synKey struct {
	src netip.AddrPort
	isn uint32
}

// tapCounts is a snapshot of the wire's counters.
type tapCounts struct {
	handshakes int
	resentSYNs int // SYNs sent again after a timeout (lost, or their SYN-ACK was)
	data       [2]int
}

func (a tapCounts) sub(b tapCounts) tapCounts {
	return tapCounts{handshakes: a.handshakes - b.handshakes, resentSYNs: a.resentSYNs - b.resentSYNs, data: [2]int{a.data[0] - b.data[0], a.data[1] - b.data[1]}}
}

func watchWire(l *lab.Lab) *wire {
	return &wire{rec: tap.Record(l, tap.Proto(packet.TCP))}
}

// counts reads the counters off the frames recorded so far.
func (w *wire) counts() tapCounts {
	if w == nil {
		return tapCounts{}
	}
	var c tapCounts
	syns := map[synKey]bool{}
	sent := 0
	for _, f := range w.rec.Frames() {
		seg := f.Pkt
		// A client's SYN (without ACK) opens a connection (RFC 9293
		// §3.5), so distinct SYNs are connections; a SYN seen again was
		// resent.
		if f.Dir == netx.ClientToServer && seg.Flags.Has(packet.SYN) && !seg.Flags.Has(packet.ACK) {
			syns[synKey{seg.SrcAddrPort(), seg.Seq}] = true
			sent++
		}
		if len(seg.Payload) > 0 && !f.Dropped() && int(f.Dir) < len(c.data) {
			c.data[f.Dir]++
		}
	}
	c.handshakes, c.resentSYNs = len(syns), sent-len(syns)
	return c
}
