package quicdemo

import (
	"time"

	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/packet"
	"github.com/netdemo/netdemo/internal/tap"

	"github.com/netdemo/netdemo/internal/lab"
)

// udpTap records, from the lab's tap, the UDP datagrams of one client port
// in both directions: what QUIC looks like on the wire.
type udpTap struct{ rec *tap.Recorder }

// datagram is one UDP datagram the tap saw.
type datagram struct {
	Dir     netx.Direction
	At      time.Time
	Payload []byte
	Packets []string // QUIC packets coalesced in it
	Dropped bool     // the link lost it
}

// recordUDP starts recording the datagrams from and to a client port.
func recordUDP(l *lab.Lab, port uint16) *udpTap {
	return &udpTap{rec: tap.Record(l, tap.ClientPort(packet.UDP, port))}
}

// stop ends the recording; what was seen stays.
func (t *udpTap) stop() { t.rec.Stop() }

// all returns every datagram seen, in the link's order.
func (t *udpTap) all() []datagram {
	var out []datagram
	for _, f := range t.rec.Frames() {
		out = append(out, datagram{Dir: f.Dir, At: f.At, Payload: f.Pkt.Payload, Packets: quicPackets(f.Pkt.Payload), Dropped: f.Dropped()})
	}
	return out
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
