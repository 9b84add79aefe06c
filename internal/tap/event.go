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
	for _, f := range frames {
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
			Seq: f.Pkt.Seq, Ack: f.Pkt.Ack, Fate: f.Fate.String(),
		})
	}
	return fl
}
