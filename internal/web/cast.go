package web

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"

	"github.com/netdemo/netdemo/internal/event"
)

// castView is the web's view of one run: it renders each event once and
// appends it to the run's log, which every viewer reads at its own pace.
//
// The log is the whole design of the class: a viewer is a position in it,
// not a queue. Emit appends and wakes the readers (by closing a channel),
// and never waits for any of them, so a viewer that stops reading costs
// the run nothing and holds no memory of its own; it falls behind, and the
// server drops it when its connection refuses a write for too long. A late
// joiner or a reconnect (Last-Event-ID) starts from a position.
type castView struct {
	render *renderer
	limit  int // bytes of log kept; past it the page says the rest was cut

	ctx   context.Context // the run's: ends a pause
	pause bool            // wait between steps for a Continue
	cont  chan struct{}   // a Continue, buffered

	mu        sync.Mutex
	log       [][]byte // SSE frames, ready to write; position i has id i+1
	size      int
	truncated bool
	done      bool
	waiting   bool
	steps     int
	wake      chan struct{} // closed when the log grows
	result    []byte        // the result event, as a --json line
}

func newCastView(ctx context.Context, r *renderer, pause bool, limit int) *castView {
	v := &castView{render: r, limit: limit, ctx: ctx, pause: pause, cont: make(chan struct{}, 1), wake: make(chan struct{})}
	v.append(message{Kind: "status", Status: "running"})
	return v
}

// Emit renders e and logs it. Under pause, a step after the first waits
// for Continue (or the run's end), as --step waits for Enter.
func (v *castView) Emit(e event.Event) {
	if _, ok := e.(*event.Step); ok {
		v.mu.Lock()
		v.steps++
		wait := v.pause && v.steps > 1
		v.mu.Unlock()
		if wait {
			v.wait()
		}
	}
	if res, ok := e.(*event.Result); ok {
		if b, err := event.Marshal(res); err == nil {
			v.mu.Lock()
			v.result = b
			v.mu.Unlock()
		}
	}
	for _, m := range v.render.render(e) {
		v.append(m)
	}
}

// resultLine returns the run's result as --json prints it, or nil before
// the run has one.
func (v *castView) resultLine() []byte {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.result
}

func (v *castView) wait() {
	v.mu.Lock()
	v.waiting = true
	v.mu.Unlock()
	v.append(message{Kind: "status", Status: "waiting"})
	select {
	case <-v.cont:
	case <-v.ctx.Done():
	}
	v.mu.Lock()
	v.waiting = false
	v.mu.Unlock()
	v.append(message{Kind: "status", Status: "running"})
}

// Continue ends a pause; it reports whether the run was waiting.
func (v *castView) Continue() bool {
	v.mu.Lock()
	w := v.waiting
	v.mu.Unlock()
	if w {
		select {
		case v.cont <- struct{}{}:
		default:
		}
	}
	return w
}

// Close does nothing: the run's end is told by finish, which knows how it
// ended.
func (v *castView) Close() {}

// finish logs how the run ended and closes the log.
func (v *castView) finish(status, errText string) {
	v.append(message{Kind: "status", Status: status, Error: errText})
	v.mu.Lock()
	v.done = true
	close(v.wake)
	v.wake = nil
	v.mu.Unlock()
}

func (v *castView) append(m message) {
	b, err := json.Marshal(m)
	if err != nil {
		b, _ = json.Marshal(message{Kind: "status", Status: "error", Error: fmt.Sprintf("rendering event %d: %v", m.Seq, err)})
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.done {
		return
	}
	if v.size+len(b) > v.limit && m.Kind != "status" {
		if v.truncated {
			return
		}
		v.truncated = true
		b, _ = json.Marshal(message{Kind: "status", Status: "truncated", Error: fmt.Sprintf("this run produced more than %d MiB of events; the page shows the first part", v.limit>>20)})
	}
	frame := make([]byte, 0, len(b)+24)
	frame = append(frame, "id: "...)
	frame = strconv.AppendInt(frame, int64(len(v.log)+1), 10)
	frame = append(frame, "\ndata: "...)
	frame = append(frame, b...)
	frame = append(frame, "\n\n"...)
	v.log = append(v.log, frame)
	v.size += len(frame)
	close(v.wake)
	v.wake = make(chan struct{})
}

// since returns the frames from position next on, a channel closed when
// more arrive (nil once the log is complete), and whether it is complete.
// The frames are shared: callers only read them.
func (v *castView) since(next int) (frames [][]byte, more <-chan struct{}, done bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if next < len(v.log) {
		frames = v.log[next:len(v.log):len(v.log)]
	}
	return frames, v.wake, v.done
}

// length is the number of frames logged.
func (v *castView) length() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.log)
}
