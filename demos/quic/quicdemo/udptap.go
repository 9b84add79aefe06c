package quicdemo

import (
	"github.com/netdemo/netdemo/internal/netx"
	"sync"
	"time"

	"github.com/netdemo/netdemo/internal/lab"
)

// udpTap records, from the lab's tap, the UDP datagrams of one client port
// in both directions: what QUIC looks like on the wire.
type udpTap struct {
	port uint16
	mu   sync.Mutex
	seen []datagram
}

// datagram is one UDP datagram the tap saw.
type datagram struct {
	Dir     netx.Direction
	At      time.Time
	Payload []byte
	Packets []string // QUIC packets coalesced in it
	Dropped bool     // the link lost it
}

func (t *udpTap) see(f lab.Frame) {
	src, dst, payload, ok := udpIn(f.Data)
	if !ok || (f.Dir == netx.ClientToServer && src != t.port) || (f.Dir == netx.ServerToClient && dst != t.port) {
		return
	}
	p := append([]byte(nil), payload...)
	t.mu.Lock()
	t.seen = append(t.seen, datagram{Dir: f.Dir, At: f.At, Payload: p, Packets: quicPackets(p), Dropped: f.Fate == lab.Dropped})
	t.mu.Unlock()
}

// all returns every datagram seen, in the link's order.
func (t *udpTap) all() []datagram {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]datagram(nil), t.seen...)
}

// firstFlight returns what the client sent before the server's first
// datagram reached the link: the client's first flight.
func (t *udpTap) firstFlight() []datagram {
	var out []datagram
	for _, d := range t.all() {
		if d.Dir == netx.ServerToClient {
			break
		}
		if !d.Dropped {
			out = append(out, d)
		}
	}
	return out
}
