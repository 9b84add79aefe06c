package record_test

import (
	"crypto/tls"
	"testing"

	"github.com/netdemo/netdemo/internal/netx"

	"github.com/netdemo/netdemo/demos/tls/tlsdemo/record"
	"github.com/netdemo/netdemo/internal/wiretap"
)

func flatten(chunks []wiretap.Chunk) (c2s, s2c []byte) {
	for _, c := range chunks {
		if c.Dir == netx.ClientToServer {
			c2s = append(c2s, c.Data...)
		} else {
			s2c = append(s2c, c.Data...)
		}
	}
	return
}

// FuzzDissect feeds arbitrary bytes as both directions of a connection,
// with a real key log, split at an arbitrary point: no panic, and the
// items never claim more bytes than were given.
func FuzzDissect(f *testing.F) {
	chunks, kl := capture(f, tls.VersionTLS13, "GET / HTTP/1.1\r\n\r\n")
	c2s, s2c := flatten(chunks)
	f.Add(c2s, s2c, kl, uint(100))
	chunks12, _ := capture(f, tls.VersionTLS12, "x")
	c2s, s2c = flatten(chunks12)
	f.Add(c2s, s2c, []byte(nil), uint(7))
	f.Add([]byte{22, 3, 1, 0, 4, 1, 0, 0, 0}, []byte{23, 3, 3, 0, 1, 0}, []byte("# comment\n"), uint(0))
	f.Fuzz(func(t *testing.T, c2s, s2c, kl []byte, cutAt uint) {
		keys, _ := record.ParseKeyLog(kl)
		cut := int(cutAt % uint(len(c2s)+1))
		in := []wiretap.Chunk{
			{Dir: netx.ClientToServer, Data: c2s[:cut]},
			{Dir: netx.ServerToClient, Data: s2c},
			{Dir: netx.ClientToServer, Data: c2s[cut:]},
		}
		tr, err := record.Dissect(in, keys)
		if err != nil {
			t.Fatal(err)
		}
		if tr.WireBytes[0] > len(c2s) || tr.WireBytes[1] > len(s2c) {
			t.Errorf("wire bytes %v exceed input %d/%d", tr.WireBytes, len(c2s), len(s2c))
		}
	})
}

// FuzzServerHello and certificates: parsers of handshake bodies.
func FuzzHandshakeBodies(f *testing.F) {
	f.Add([]byte{3, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		record.ParseServerHello(b)
		record.Certificates12(b)
		record.ClientRandom(b)
	})
}
