package wiretap

import (
	"net"
	"sync"
	"time"

	"github.com/netdemo/netdemo/internal/netx"
)

// Conn is a net.Conn that keeps a copy of every byte it carries. It is safe
// for concurrent use, as a net.Conn must be: one goroutine may read while
// another writes and a third asks for [Conn.Chunks].
//
// Conn embeds the net.Conn interface, not the wrapped value, so it never
// gains the wrapped type's extra methods (see the package doc for why that
// matters for ConnectionState).
type Conn struct {
	net.Conn
	in, out netx.Direction // the direction of what Read returns and of what Write sends
	start   time.Time

	mu     sync.Mutex
	chunks []Chunk
	writes int

	once   sync.Once
	closed chan struct{}
}

// Client wraps the client's end of a connection: what it writes goes from
// client to server. The recording starts now.
func Client(c net.Conn) *Conn { return wrap(c, netx.ServerToClient, netx.ClientToServer) }

// Server wraps the server's end of a connection: what it writes goes from
// server to client, what it reads came from the client.
func Server(c net.Conn) *Conn { return wrap(c, netx.ClientToServer, netx.ServerToClient) }

func wrap(c net.Conn, in, out netx.Direction) *Conn {
	return &Conn{Conn: c, in: in, out: out, start: time.Now(), closed: make(chan struct{})}
}

// add records a copy of p and returns its index.
func (c *Conn) add(d netx.Direction, p []byte) int {
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
// ahead of what caused it; after a short write the copy is cut to what was
// actually written, and a write that sent nothing (to a closed peer, say)
// leaves no chunk.
func (c *Conn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.writes++
	c.mu.Unlock()
	if len(p) == 0 {
		return c.Conn.Write(p)
	}
	i := c.add(c.out, p)
	n, err := c.Conn.Write(p)
	if n < len(p) {
		c.mu.Lock()
		c.chunks[i].Data = c.chunks[i].Data[:max(n, 0)] // Chunks and Bytes skip it if empty
		c.mu.Unlock()
	}
	return n, err
}

// Close closes the connection; [Conn.Closed] then says this end is done and
// the recording of what it wrote is complete.
func (c *Conn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return c.Conn.Close()
}

// Closed is closed once Close has been called on this end.
func (c *Conn) Closed() <-chan struct{} { return c.closed }
