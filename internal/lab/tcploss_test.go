package lab

import (
	"bytes"
	"crypto/sha256"
	"github.com/netdemo/netdemo/internal/netx"
	"io"
	"testing"
	"time"
)

// TestTCPRecoversFromLoss sends 100 KB over a link that drops one frame in
// ten each way and checks that the data arrives intact, and that the tap saw
// TCP do it by sending segments again.
func TestTCPRecoversFromLoss(t *testing.T) {
	l := newTestLab(t, Config{Seed: 11, Link: Link{RTT: 40 * time.Millisecond, Loss: 0.1}})
	r := record(l)
	data := make([]byte, 100_000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	ctx := testContext(t, 60*time.Second)
	ln, err := l.Server().Listen(ctx, "tcp", ":0")
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	defer ln.Close()
	got := make(chan []byte, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- nil
			return
		}
		defer c.Close()
		b, _ := io.ReadAll(c)
		got <- b
	}()
	// The SYN may be lost too; the stack retries it, so one Dial will do,
	// though it may take a few seconds.
	c, err := l.Client().Dial(ctx, "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	if _, err := c.Write(data); err != nil {
		t.Fatalf("Write: %v", err)
	}
	c.Close()
	var b []byte
	select {
	case b = <-got:
	case <-ctx.Done():
		t.Fatal("100 KB did not arrive within 60 s")
	}
	if !bytes.Equal(b, data) {
		t.Fatalf("received %d bytes (sha256 %x), want the %d sent (sha256 %x)", len(b), sha256.Sum256(b), len(data), sha256.Sum256(data))
	}

	// A retransmission is a data segment whose (direction, sequence number)
	// the link has seen before.
	type key struct {
		dir netx.Direction
		seq uint32
	}
	seen := map[key]bool{}
	retransmits, dropped := 0, 0
	for _, f := range r.all() {
		tcp, n, ok := tcpSegment(f.Data)
		if !ok || n == 0 {
			continue
		}
		k := key{f.Dir, tcp.SequenceNumber()}
		if seen[k] {
			retransmits++
		}
		seen[k] = true
		if f.Fate == Dropped {
			dropped++
		}
	}
	t.Logf("%d data segments dropped, %d retransmitted; stats %+v", dropped, retransmits, l.Stats())
	if retransmits == 0 {
		t.Errorf("the tap saw no data segment twice, want TCP to retransmit the %d it lost", dropped)
	}
}
