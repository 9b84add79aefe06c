package lab

import (
	"github.com/netdemo/netdemo/internal/netx"
	"math/rand/v2"
	"time"

	"gvisor.dev/gvisor/pkg/buffer"
)

// line is the state of one direction of the link. Apart from dl, which has
// its own lock, it is guarded by Lab.mu.
type line struct {
	rng       *rand.Rand // the direction's fates, consumed in frame order
	busyUntil time.Time  // when the sender's transmitter is free (RateBPS)
	lastDue   time.Time  // delivery time of the last in-order frame (FIFO)
	dl        *delayLine // carries the frames to the receiving host
}

// transmit is the link: one IPv4 packet, just handed over by the sending
// stack in direction d, is numbered, judged, shown to the taps and the pcap,
// and put on its way. The lab takes buf.
func (l *Lab) transmit(d netx.Direction, buf buffer.Buffer) {
	now := time.Now()
	size := int(buf.Size())
	ln := &l.lines[d]

	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		buf.Release()
		return
	}
	l.frames++
	rule := l.rule.Load()
	f := Frame{N: l.frames, At: now, Dir: d}
	if len(l.taps) > 0 || l.pcap != nil || rule != nil {
		f.Data = buf.Flatten() // a copy, only when someone looks
	}
	v := Default
	if rule != nil {
		v = (*rule)(f)
	}
	dec := decide(ln.rng, &l.link, v)
	f.Fate = dec.fate
	l.stats.count(d, size, dec.fate)
	if l.pcap != nil {
		l.pcap.write(now, f.Data)
		if dec.fate == Duplicated {
			l.pcap.write(now, f.Data)
		}
	}
	for _, t := range l.taps {
		t.fn(f)
	}

	if dec.fate == Dropped {
		l.mu.Unlock()
		buf.Release()
		return
	}
	// Pushed under Lab.mu, so that the line sees frames in frame order.
	due := ln.schedule(&l.link, now, size, dec)
	if dec.fate == Duplicated {
		ln.dl.push(due, buf.Clone())
	}
	ln.dl.push(due, buf)
	l.mu.Unlock()
}

// schedule returns when a frame of size bytes, sent at now, reaches the
// other host.
//
// With a rate limit the frame first waits for the frames ahead of it to be
// serialized, then takes size*8/RateBPS itself. Dropped frames never get
// here: as with Linux netem, loss is decided as a frame enters the link, so a
// lost frame takes no transmitter time from the ones behind it. Then the
// frame travels RTT/2 plus its jitter. It never arrives before the in-order
// frame ahead of it (FIFO: jitter alone does not reorder), unless it is
// reordered: then it is held back reorderHold past its in-order time, and the
// frames behind it overtake it.
func (ln *line) schedule(k *Link, now time.Time, size int, dec decision) time.Time {
	sent := now
	if k.RateBPS > 0 {
		start := now
		if ln.busyUntil.After(start) {
			start = ln.busyUntil
		}
		ln.busyUntil = start.Add(time.Duration(int64(size) * 8 * int64(time.Second) / k.RateBPS))
		sent = ln.busyUntil
	}
	due := sent.Add(k.oneWay() + dec.jitter)
	if due.Before(ln.lastDue) {
		due = ln.lastDue
	}
	if dec.fate == Reordered {
		return due.Add(k.reorderHold())
	}
	ln.lastDue = due
	return due
}
