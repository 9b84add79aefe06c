package tlsdemo

import (
	"net"
	"sync"

	"github.com/netdemo/netdemo/demos/tls/tlsdemo/record"
)

// tap records every byte a client sends and receives on its raw TCP
// connection, in order: what a packet capture would show as the TCP
// payload, without needing one. record.Dissect reads it.
type tap struct {
	net.Conn
	mu     sync.Mutex
	chunks []record.Chunk
}

func newTap(c net.Conn) *tap { return &tap{Conn: c} }

func (t *tap) Read(b []byte) (int, error) {
	n, err := t.Conn.Read(b)
	t.add(record.ServerToClient, b[:n])
	return n, err
}

func (t *tap) Write(b []byte) (int, error) {
	t.add(record.ClientToServer, b)
	return t.Conn.Write(b)
}

func (t *tap) add(d record.Dir, b []byte) {
	if len(b) == 0 {
		return
	}
	t.mu.Lock()
	t.chunks = append(t.chunks, record.Chunk{Dir: d, Data: append([]byte(nil), b...)})
	t.mu.Unlock()
}

// Chunks returns a copy of what was seen so far.
func (t *tap) Chunks() []record.Chunk {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]record.Chunk(nil), t.chunks...)
}
