package lab

import (
	"time"

	"github.com/netdemo/netdemo/internal/netx"

	"gvisor.dev/gvisor/pkg/buffer"
)

// cable is one running link: the two hosts' NICs on it, a line per
// direction, and what it knows of the flows that cross it. Apart from the
// delay lines, which have their own locks, its state is guarded by Lab.mu.
type cable struct {
	lab     *Lab
	index   int // in Topology.Links; Frame.Link
	link    Link
	ends    [2]*Host // ends[0] sends ClientToServer (Cable.A), ends[1] the other way
	nics    [2]*nic  // nics[d] is the sending NIC of direction d, on ends[d]
	lines   [2]line  // by netx.Direction
	flows   flowTable
	fateKey fateKey // turns a frame's identity into its fate
	stats   counters
}

func newCable(l *Lab, index int, k Link, a, b *Host, seed int64) *cable {
	c := &cable{lab: l, index: index, link: k, ends: [2]*Host{a, b}, fateKey: newFateKey(seed, index)}
	for d := range c.nics {
		c.nics[d] = &nic{cable: c, dir: netx.Direction(d), mtu: uint32(k.mtu())}
	}
	for d := range c.lines {
		to := c.nics[1-d] // a frame leaves one host's NIC and enters the other's
		c.lines[d] = line{dl: newDelayLine(to)}
	}
	a.nics = append(a.nics, hostNIC{nic: c.nics[0], addr: LinkAddr(index, 0), subnet: LinkSubnet(index)})
	b.nics = append(b.nics, hostNIC{nic: c.nics[1], addr: LinkAddr(index, 1), subnet: LinkSubnet(index)})
	return c
}

// line is the state of one direction of a link. Apart from dl, which has
// its own lock, it is guarded by Lab.mu.
type line struct {
	busyUntil time.Time  // when the sender's transmitter is free (RateBPS)
	lastDue   time.Time  // delivery time of the last in-order frame (FIFO)
	dl        *delayLine // carries the frames to the receiving host
}

// transmit is the link: one IPv4 packet, just handed over by the sending
// stack in direction d, is numbered, identified, judged, shown to the taps
// and the pcap, and put on its way. The link takes buf.
func (c *cable) transmit(d netx.Direction, buf buffer.Buffer) {
	now := time.Now()
	size := int(buf.Size())
	l, ln := c.lab, &c.lines[d]

	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		buf.Release()
		return
	}
	l.frames++
	var hdr [peekSize]byte
	n, _ := buf.ReadAt(hdr[:], 0)
	id := c.flows.identify(d, hdr[:n])
	rule := l.rule.Load()
	f := Frame{N: l.frames, At: now, Link: c.index, Dir: d}
	if len(l.taps) > 0 || l.capture != nil || rule != nil {
		f.Data = buf.Flatten() // a copy, only when someone looks
	}
	v := Default
	if rule != nil {
		v = (*rule)(f)
	}
	dec := decide(c.fateKey.draws(d, id), &c.link, v)
	f.Fate = dec.fate
	c.stats.count(d, size, dec.fate)
	if l.capture != nil {
		l.record(&f)
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
	due := ln.schedule(&c.link, now, size, dec)
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
