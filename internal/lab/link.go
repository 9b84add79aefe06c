package lab

import (
	"fmt"
	"time"
)

// Link describes the wire between two hosts. The zero value is a perfect
// link (no delay, no loss) with MTU 1500.
type Link struct {
	RTT       time.Duration // round-trip time; each direction delays RTT/2
	Jitter    time.Duration // extra one-way delay, uniform in [0, Jitter); FIFO kept unless Reorder
	Loss      float64       // probability that a frame is dropped
	Reorder   float64       // probability that a frame is held back so that later ones overtake it
	Duplicate float64       // probability that a frame is delivered twice
	RateBPS   int64         // bits per second in each direction; 0 means unlimited
	MTU       int           // bytes of IP packet; 0 means 1500
}

// DefaultMTU is the MTU of a Link whose MTU is zero: Ethernet's.
const DefaultMTU = 1500

// minMTU is the smallest MTU New accepts: 576 is the datagram size every IPv4
// host must be able to reassemble (RFC 791), and it leaves TCP a sane MSS.
const minMTU = 576

// mtu is the link's MTU with the default applied.
func (k Link) mtu() int {
	if k.MTU == 0 {
		return DefaultMTU
	}
	return k.MTU
}

// oneWay is the propagation delay of each direction.
func (k Link) oneWay() time.Duration { return k.RTT / 2 }

// reorderHold is how much longer than its in-order slot a reordered frame
// waits. Half the one-way delay, but at least a millisecond, so that on a
// zero-delay link a burst of later frames really does overtake it.
func (k Link) reorderHold() time.Duration {
	return max(time.Millisecond, k.oneWay()/2)
}

// validate says what is wrong with k, in the words a user would fix it with.
func (k Link) validate() error {
	for _, p := range []struct {
		name string
		v    float64
	}{{"Loss", k.Loss}, {"Reorder", k.Reorder}, {"Duplicate", k.Duplicate}} {
		if !(p.v >= 0 && p.v <= 1) { // also catches NaN
			return fmt.Errorf("Link.%s must be between 0 and 1, got %v", p.name, p.v)
		}
	}
	if k.RTT < 0 || k.Jitter < 0 {
		return fmt.Errorf("Link.RTT and Link.Jitter must not be negative, got %v and %v", k.RTT, k.Jitter)
	}
	if k.RateBPS < 0 {
		return fmt.Errorf("Link.RateBPS must not be negative, got %d", k.RateBPS)
	}
	if m := k.mtu(); m < minMTU || m > 65535 {
		return fmt.Errorf("Link.MTU must be between %d and 65535 (or 0 for %d), got %d", minMTU, DefaultMTU, k.MTU)
	}
	return nil
}

// Fate is what the link did with a frame.
type Fate int

const (
	Delivered  Fate = iota // delivered once, in order
	Dropped                // never delivered
	Duplicated             // delivered twice, back to back
	Reordered              // delivered late, after frames sent after it
)

// String returns the fate in lower case, as it reads in a packet log.
func (f Fate) String() string {
	switch f {
	case Delivered:
		return "delivered"
	case Dropped:
		return "dropped"
	case Duplicated:
		return "duplicated"
	case Reordered:
		return "reordered"
	}
	return fmt.Sprintf("Fate(%d)", int(f))
}
