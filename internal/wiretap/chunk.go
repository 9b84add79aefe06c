package wiretap

import (
	"bytes"
	"time"

	"github.com/netdemo/netdemo/internal/netx"
)

// Chunk is the data of one Read or one Write on a recorded connection.
//
// Seq orders the chunks of both directions as the recording end saw them,
// from 0; a write that sent nothing leaves no chunk, so its number is
// missing.
type Chunk struct {
	Seq  int
	Dir  netx.Direction // which way the data went
	At   time.Duration  // since the connection was wrapped
	Data []byte
}

// Chunks returns a copy of what was recorded so far, in the order this end
// saw it. The copy is the caller's to keep or change.
func (c *Conn) Chunks() []Chunk {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Chunk, 0, len(c.chunks))
	for _, ch := range c.chunks {
		if len(ch.Data) > 0 {
			ch.Data = bytes.Clone(ch.Data)
			out = append(out, ch)
		}
	}
	return out
}

// Bytes returns everything recorded in one direction, joined: the byte
// stream that direction carried so far.
func (c *Conn) Bytes(d netx.Direction) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b []byte
	for _, ch := range c.chunks {
		if ch.Dir == d {
			b = append(b, ch.Data...)
		}
	}
	return b
}

// Writes returns how many times Write was called on this end, including
// calls with nothing to write: it shows how an application batches its
// output (headers and body in one write, or in several).
func (c *Conn) Writes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes
}
