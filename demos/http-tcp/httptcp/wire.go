package httptcp

import (
	"github.com/netdemo/netdemo/internal/netx"
	"net/netip"
	"sync"

	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/packet"
)

// wire counts what the lab's link carried: TCP handshakes (distinct client
// SYNs) and segments that carried data. It is how the demo knows how many
// connections a client opened without trusting the client's word for it.
type wire struct {
	mu   sync.Mutex
	syns map[synKey]bool
	sent int    // SYN frames in all: more than len(syns) when SYNs were resent
	data [2]int // segments with payload, by netx.Direction
}

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
	w := &wire{syns: map[synKey]bool{}}
	l.AddTap(w.see)
	return w
}

func (w *wire) see(f lab.Frame) {
	seg, err := packet.Decode(f.Data)
	if err != nil || seg.Proto != packet.TCP {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	// A client's SYN (without ACK) opens a connection (RFC 9293 §3.5), so
	// distinct SYNs are connections; a SYN seen again was resent.
	if f.Dir == netx.ClientToServer && seg.Flags.Has(packet.SYN) && !seg.Flags.Has(packet.ACK) {
		w.syns[synKey{seg.SrcAddrPort(), seg.Seq}] = true
		w.sent++
	}
	if len(seg.Payload) > 0 && f.Fate != lab.Dropped && int(f.Dir) < len(w.data) {
		w.data[f.Dir]++
	}
}

func (w *wire) counts() tapCounts {
	if w == nil {
		return tapCounts{}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return tapCounts{handshakes: len(w.syns), resentSYNs: w.sent - len(w.syns), data: w.data}
}
