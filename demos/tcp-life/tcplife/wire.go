package tcplife

import (
	"sync"
	"time"

	"github.com/netdemo/netdemo/internal/event"
	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/packet"
)

// seen is one TCP frame the lab's tap saw, decoded.
type seen struct {
	N    int
	At   time.Time
	Dir  netx.Direction
	Fate lab.Fate
	Pkt  packet.Packet
}

// recorder keeps the TCP frames a tap sees. Its tap runs under the lab's
// lock, so it only decodes and appends.
type recorder struct {
	mu     sync.Mutex
	frames []seen
}

func (w *recorder) tap(f lab.Frame) {
	p, err := packet.Decode(f.Data) // f.Data is the tap's own copy: p may alias it
	if err != nil || p.Proto != packet.TCP {
		return
	}
	w.mu.Lock()
	w.frames = append(w.frames, seen{N: f.N, At: f.At, Dir: f.Dir, Fate: f.Fate, Pkt: p})
	w.mu.Unlock()
}

func (w *recorder) snapshot() []seen {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]seen(nil), w.frames...)
}

// frameList turns frames into the event the views draw as a ladder. note
// adds a word to a frame (or "").
func frameList(id, title string, frames []seen, note func(seen) string) *event.Frames {
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
		p := f.Pkt
		ev := event.Frame{N: f.N, TMs: ms(f.At.Sub(t0)), From: from, To: to, Proto: "TCP", Flags: p.Flags.String(),
			Len: p.Total, Payload: len(p.Payload), Seq: p.Seq, Ack: p.Ack, Fate: f.Fate.String()}
		if note != nil {
			ev.Note = note(f) // the text view's note column, the web's arrow label
		}
		fl.Frames = append(fl.Frames, ev)
	}
	return fl
}
