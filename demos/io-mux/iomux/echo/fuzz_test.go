//go:build linux || darwin

package echo

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"
)

// FuzzEcho: whatever bytes a client sends, in whatever pieces, each event
// loop sends back exactly those bytes, and goes on serving.
func FuzzEcho(f *testing.F) {
	f.Add([]byte("hello"), uint8(1), uint16(7))
	f.Add(bytes.Repeat([]byte{0}, 7000), uint8(3), uint16(1))
	f.Add([]byte{}, uint8(0), uint16(0))
	var servers []Server
	for _, k := range []Kind{Select, Poll, Epoll} {
		for _, cfg := range []Config{{ReadBuf: 100}, {Edge: true, ReadBuf: 100}} {
			if k != Epoll && cfg.Edge {
				continue
			}
			s, err := Listen(k, "127.0.0.1:0", cfg)
			if err != nil {
				f.Fatal(err)
			}
			f.Cleanup(func() { s.Close() })
			servers = append(servers, s)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, which uint8, piece uint16) {
		s := servers[int(which)%len(servers)]
		c, err := net.DialTimeout("tcp4", s.Addr(), 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		// At most 256 writes, so that an input of a megabyte in pieces of
		// one byte does not take a minute.
		size := max(int(piece)%5000+1, len(data)/256)
		go func() {
			for rest := data; len(rest) > 0; {
				n := min(size, len(rest))
				if _, err := c.Write(rest[:n]); err != nil {
					return
				}
				rest = rest[n:]
			}
			c.(*net.TCPConn).CloseWrite()
		}()
		got, err := io.ReadAll(c)
		if err != nil {
			t.Fatalf("reading the echo: %v", err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("sent %d bytes in pieces of %d, got %d back, not the same", len(data), size, len(got))
		}
	})
}
