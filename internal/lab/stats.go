package lab

import (
	"github.com/netdemo/netdemo/internal/netx"
	"strconv"
	"sync/atomic"
)

// Stats counts frames by direction and fate.
type Stats struct {
	Frames     [2]int // by netx.Direction; every frame the link saw, whatever its fate
	Bytes      [2]int64
	Dropped    [2]int
	Duplicated [2]int
	Reordered  [2]int
}

// counters are the live counts behind Stats. They are atomic rather than
// guarded by Lab.mu so that a tap, which runs under Lab.mu, may read them.
type counters struct {
	frames, bytes, dropped, duplicated, reordered [2]atomic.Int64
}

func (c *counters) count(d netx.Direction, size int, f Fate) {
	c.frames[d].Add(1)
	c.bytes[d].Add(int64(size))
	switch f {
	case Dropped:
		c.dropped[d].Add(1)
	case Duplicated:
		c.duplicated[d].Add(1)
	case Reordered:
		c.reordered[d].Add(1)
	}
}

// Stats counts what link 0 (the preset's only link) did so far. Read
// while traffic flows, the fields may be a frame apart from each other;
// read from a tap, or after the traffic stopped, they are exact.
func (l *Lab) Stats() Stats { return l.StatsOf(0) }

// StatsOf counts what link i did so far, as Stats does for link 0.
func (l *Lab) StatsOf(i int) Stats {
	c := &l.cables[i].stats
	var s Stats
	for d := range 2 {
		s.Frames[d] = int(c.frames[d].Load())
		s.Bytes[d] = c.bytes[d].Load()
		s.Dropped[d] = int(c.dropped[d].Load())
		s.Duplicated[d] = int(c.duplicated[d].Load())
		s.Reordered[d] = int(c.reordered[d].Load())
	}
	return s
}

func itoa(i int) string { return strconv.Itoa(i) }
