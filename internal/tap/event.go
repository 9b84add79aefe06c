package tap

import (
	"github.com/netdemo/netdemo/internal/event"
	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/packet"
)

// Event turns frames into a frames event between "client" and "server",
// times counted from the first frame.
func Event(id, title string, frames []Frame) *event.Frames {
	fl := event.NewFrames(id, title, "client", "server")
	if len(frames) == 0 {
		return fl
	}
	t0 := frames[0].At
	again := Retransmitted(frames)
	for i, f := range frames {
		from, to := "client", "server"
		if f.Dir == netx.ServerToClient {
			from, to = to, from
		}
		proto, flags := "TCP", FlagString(f.Pkt.Flags)
		if f.Pkt.Proto == packet.UDP {
			proto, flags = "UDP", ""
		}
		fl.Frames = append(fl.Frames, event.Frame{
			N: f.N, TMs: event.Ms(f.At.Sub(t0)), From: from, To: to, Proto: proto,
			Flags: flags, Len: f.Pkt.Total, Payload: len(f.Pkt.Payload),
			Seq: f.Pkt.Seq, Ack: f.Pkt.Ack, Fate: f.Fate.String(), Retransmission: again[i],
		})
	}
	return fl
}

// Retransmitted marks the TCP segments among frames whose bytes were sent
// before: a segment carrying data whose sequence range starts below data
// already sent the same way on the same connection. Frames the link dropped
// count as sent (the sender did send them). SYN and FIN take one sequence
// number each; a SYN sent again is marked too.
func Retransmitted(frames []Frame) []bool {
	type key struct {
		dir      netx.Direction
		src, dst uint16
	}
	sentUpTo := map[key]uint32{}
	out := make([]bool, len(frames))
	for i, f := range frames {
		p := f.Pkt
		if p.Proto != packet.TCP {
			continue
		}
		k := key{f.Dir, p.SrcPort, p.DstPort}
		end := p.SeqEnd()
		if end == p.Seq {
			continue // a pure ACK sends no new sequence space
		}
		top, ok := sentUpTo[k]
		if ok && int32(p.Seq-top) < 0 {
			out[i] = true
		}
		if !ok || int32(top-end) < 0 {
			sentUpTo[k] = end
		}
	}
	return out
}
