package h2wire

import (
	"net"
	"sync"
	"time"
)

// Dir is the direction bytes travelled on the recorded connection.
type Dir int

const (
	ClientToServer Dir = iota
	ServerToClient
)

// String is an arrow, short enough for a table column.
func (d Dir) String() string {
	if d == ServerToClient {
		return "S→C"
	}
	return "C→S"
}

// Chunk is the data of one Read or one Write on the recorded connection.
// Seq orders the chunks of both directions as the recording end saw them.
type Chunk struct {
	Seq  int
	Dir  Dir
	At   time.Duration // since the recording started
	Data []byte
}

// Conn is a net.Conn that keeps a copy of every byte it carries.
//
// It deliberately has no ConnectionState method even when it wraps a
// *tls.Conn: net/http then treats the plaintext as cleartext HTTP/2 (h2c),
// which is what lets a server record the frames of a TLS connection whose
// TLS it terminated itself, as a TLS-terminating proxy would.
type Conn struct {
	net.Conn
	in, out Dir // the direction of what Read returns and of what Write sends
	start   time.Time
	mu      sync.Mutex
	chunks  []Chunk
	once    sync.Once
	closed  chan struct{}
}

// Record wraps the client's end of a connection; the copy starts now.
func Record(c net.Conn) *Conn {
	return &Conn{Conn: c, in: ServerToClient, out: ClientToServer, start: time.Now(), closed: make(chan struct{})}
}

// RecordServer wraps the server's end: what it reads came from the client.
func RecordServer(c net.Conn) *Conn {
	return &Conn{Conn: c, in: ClientToServer, out: ServerToClient, start: time.Now(), closed: make(chan struct{})}
}

func (c *Conn) add(d Dir, p []byte) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.chunks = append(c.chunks, Chunk{Seq: len(c.chunks), Dir: d, At: time.Since(c.start), Data: append([]byte(nil), p...)})
	return len(c.chunks) - 1
}

// Read records what arrived from the peer.
func (c *Conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.add(c.in, p[:n])
	}
	return n, err
}

// Write records what this end sends. The copy is taken before the bytes go
// out, so that a reply the peer sends back at once can never be recorded
// ahead of what caused it.
func (c *Conn) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return c.Conn.Write(p)
	}
	i := c.add(c.out, p)
	n, err := c.Conn.Write(p)
	if n < len(p) {
		c.mu.Lock()
		c.chunks[i].Data = c.chunks[i].Data[:n]
		c.mu.Unlock()
	}
	return n, err
}

// Chunks returns a copy of what was recorded so far, in order.
func (c *Conn) Chunks() []Chunk {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Chunk(nil), c.chunks...)
}

// Bytes returns everything recorded in one direction.
func (c *Conn) Bytes(d Dir) []byte {
	var b []byte
	for _, ch := range c.Chunks() {
		if ch.Dir == d {
			b = append(b, ch.Data...)
		}
	}
	return b
}

// Close closes the connection; Closed then says the recording is complete.
func (c *Conn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return c.Conn.Close()
}

// Closed is closed once the connection has been closed by this end.
func (c *Conn) Closed() <-chan struct{} { return c.closed }
