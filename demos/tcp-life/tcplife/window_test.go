package tcplife

import (
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/packet"
)

// TestClassifyWindow labels a made-up exchange the way Wireshark would:
// data, a zero window, a one-byte probe of an acknowledged byte, its
// answer, the window update.
func TestClassifyWindow(t *testing.T) {
	t0 := time.Now()
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	c2s := func(ms int, seq uint32, n int) seen {
		return seen{At: at(ms), Dir: netx.ClientToServer, Pkt: packet.Packet{Seq: seq, Flags: packet.ACK, Payload: make([]byte, n)}}
	}
	s2c := func(ms int, ack uint32, win uint16) seen {
		return seen{At: at(ms), Dir: netx.ServerToClient, Pkt: packet.Packet{Ack: ack, Window: win, Flags: packet.ACK}}
	}
	z := zeroWindow{FirstZero: -1, Update: -1, Frames: []seen{
		c2s(0, 1000, 100),
		s2c(10, 1100, 0),   // 1: zero window
		c2s(200, 1099, 1),  // 2: probe: one acknowledged byte
		s2c(210, 1100, 0),  // 3: still zero
		s2c(400, 1100, 50), // 4: window update
		c2s(410, 1100, 50),
	}}
	classifyWindow(&z)
	if z.FirstZero != 1 || z.Update != 4 || len(z.Probes) != 1 || z.Probes[0] != 2 {
		t.Errorf("first zero %d, update %d, probes %v; want 1, 4, [2]", z.FirstZero, z.Update, z.Probes)
	}
	if z.Stall != 390*time.Millisecond {
		t.Errorf("stall %v, want 390ms from the zero window to the update", z.Stall)
	}
}

// TestFlightPerRound feeds a made-up slow start: 2, then 4 segments a
// round trip, each round acknowledged in full before the next.
func TestFlightPerRound(t *testing.T) {
	const rtt = 20 * time.Millisecond
	t0 := time.Now()
	var frames []seen
	seq := uint32(1)
	send := func(at time.Duration, n int) {
		for range n {
			frames = append(frames, seen{At: t0.Add(at), Dir: netx.ClientToServer, Pkt: packet.Packet{Seq: seq, Flags: packet.ACK, Payload: make([]byte, 1000)}})
			seq += 1000
		}
	}
	ack := func(at time.Duration) { // as the server sends it: half an RTT before the client has it
		frames = append(frames, seen{At: t0.Add(at - rtt/2), Dir: netx.ServerToClient, Pkt: packet.Packet{Ack: seq, Flags: packet.ACK, Window: 65535}})
	}
	send(0, 2)
	ack(rtt)
	send(rtt, 4)
	ack(2 * rtt)
	send(2*rtt, 8)
	var out ccRun
	out.LossRound, out.Recovered = -1, -1
	flightPerRound(&out, frames, rtt, 10)
	want := []int{2000, 4000, 8000}
	if len(out.Flight) != len(want) {
		t.Fatalf("flight per round %v, want %v", out.Flight, want)
	}
	for i := range want {
		if out.Flight[i] != want[i] {
			t.Errorf("flight per round %v, want %v", out.Flight, want)
			break
		}
	}
}

// TestFlightDrops counts the data segments the link dropped, and their
// retransmissions: what tells one chosen loss from the link's random ones.
func TestFlightDrops(t *testing.T) {
	const rtt = 20 * time.Millisecond
	t0 := time.Now()
	data := func(at time.Duration, seq uint32, fate lab.Fate) seen {
		return seen{At: t0.Add(at), Dir: netx.ClientToServer, Fate: fate, Pkt: packet.Packet{Seq: seq, Flags: packet.ACK, Payload: make([]byte, 1000)}}
	}
	frames := []seen{
		data(0, 1, lab.Delivered),
		data(0, 1001, lab.Dropped),
		data(0, 2001, lab.Dropped),
		data(rtt, 1001, lab.Delivered), // sent again
		data(rtt, 2001, lab.Delivered), // sent again
	}
	out := ccRun{LossRound: -1, Recovered: -1}
	flightPerRound(&out, frames, rtt, 10)
	if out.Drops != 2 || out.Resent != 2 || out.LossRound != 0 {
		t.Errorf("drops %d, resent %d, loss round %d; want 2, 2, 0", out.Drops, out.Resent, out.LossRound)
	}
}
