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

// Stats counts what the link did so far. Read while traffic flows, the
// fields may be a frame apart from each other; read from a tap, or after
// the traffic stopped, they are exact.
func (l *Lab) Stats() Stats {
	var s Stats
	for d := range 2 {
		s.Frames[d] = int(l.stats.frames[d].Load())
		s.Bytes[d] = l.stats.bytes[d].Load()
		s.Dropped[d] = int(l.stats.dropped[d].Load())
		s.Duplicated[d] = int(l.stats.duplicated[d].Load())
		s.Reordered[d] = int(l.stats.reordered[d].Load())
	}
	return s
}

func itoa(i int) string { return strconv.Itoa(i) }
