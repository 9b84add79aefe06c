package tap

import (
	"sync"
	"time"

	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/packet"
)

// Frame is one frame the link carried, decoded.
type Frame struct {
	N    int       // the lab's frame number
	At   time.Time // when the sending stack handed it to the link
	Dir  netx.Direction
	Fate lab.Fate
	Data []byte        // a copy of the IPv4 packet
	Pkt  packet.Packet // decoded from Data
	Err  error         // why Data did not decode (Pkt is then zero)
}

// Dropped reports whether the link lost the frame.
func (f Frame) Dropped() bool { return f.Fate == lab.Dropped }

// Filter selects frames.
type Filter func(Frame) bool

// Recorder keeps the frames of a lab link that pass its filter.
type Recorder struct {
	keep   Filter
	remove func()

	mu     sync.Mutex
	frames []Frame
	last   time.Time
}

// Record starts recording l's frames that pass keep (nil keeps all, even
// those that do not decode). The
// tap runs under the lab's lock, so it only copies, decodes and appends.
func Record(l *lab.Lab, keep Filter) *Recorder {
	r := &Recorder{keep: keep, last: time.Now()}
	r.remove = l.AddTap(r.see)
	return r
}

func (r *Recorder) see(f lab.Frame) {
	data := append([]byte(nil), f.Data...)
	p, err := packet.Decode(data)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.last = time.Now()
	fr := Frame{N: f.N, At: f.At, Dir: f.Dir, Fate: f.Fate, Data: data, Pkt: p, Err: err}
	if err != nil {
		fr.Pkt = packet.Packet{}
	}
	if r.keep == nil || r.keep(fr) {
		r.frames = append(r.frames, fr)
	}
}

// Stop removes the tap; the frames stay. It may be called more than once.
func (r *Recorder) Stop() {
	r.mu.Lock()
	remove := r.remove
	r.remove = nil
	r.mu.Unlock()
	if remove != nil {
		remove()
	}
}

// Frames returns a copy of the frames so far, in the link's order.
func (r *Recorder) Frames() []Frame {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Frame(nil), r.frames...)
}

// LastSeen is when the tap last saw a frame (any frame, kept or not), or
// when recording started.
func (r *Recorder) LastSeen() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// WaitFor polls until some frame satisfies ok or timeout passes. The tap
// sees a frame when the stack sends it, which may be a moment after the
// socket call that caused it returned.
func (r *Recorder) WaitFor(timeout time.Duration, ok Filter) bool {
	deadline := time.Now().Add(timeout)
	for {
		for _, f := range r.Frames() {
			if ok(f) {
				return true
			}
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
}
