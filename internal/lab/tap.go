package lab

import "slices"

// Verdict is what a Rule decides for one frame.
type Verdict int

const (
	Default Verdict = iota // let the link's random model decide
	Drop                   // drop this frame (counted as Dropped)
	Pass                   // deliver it once, in order, without jitter, skipping the random model
)

// String returns the verdict in lower case.
func (v Verdict) String() string {
	switch v {
	case Default:
		return "default"
	case Drop:
		return "drop"
	case Pass:
		return "pass"
	}
	return "Verdict(" + itoa(int(v)) + ")"
}

// tap is one registered observer.
type tap struct {
	id int
	fn func(Frame)
}

// AddTap calls fn for every frame, in order, after its fate is decided.
// fn must not block for long. The returned func removes the tap.
//
// Taps run one at a time, on the goroutine of the stack that sent the frame,
// while the link holds its lock: counts taken in a tap are exact, and
// frames arrive in the order of Frame.N. Each Frame's Data is the tap's own
// copy and may be kept. A tap may call SetRule and Stats, but must not call
// AddTap, a remove func, or Close, nor send on the lab's connections: those
// wait for the lock the tap runs under. Once remove returns, fn is not
// called again.
func (l *Lab) AddTap(fn func(Frame)) (remove func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.nextID++
	id := l.nextID
	l.taps = append(l.taps, tap{id: id, fn: fn})
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.taps = slices.DeleteFunc(l.taps, func(t tap) bool { return t.id == id })
	}
}

// SetRule installs (or with nil removes) a rule consulted for every frame
// before the random model: demos use it to drop one chosen packet.
//
// The rule sees the frame before its fate is decided (Fate is Delivered).
// It runs under the same lock as taps, with the same restrictions, and may
// itself call SetRule, for example to remove itself after one drop. The
// frames after it keep their fates: each is drawn from the frame's own
// identity, whatever the rule decided for the others.
func (l *Lab) SetRule(rule func(Frame) Verdict) {
	if rule == nil {
		l.rule.Store(nil)
		return
	}
	l.rule.Store(&rule)
}
