package tap

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/packet"
)

// TestRecordsAHandshake records a real TCP connection on the lab and finds
// its three handshake segments, in order, with the flow filter.
func TestRecordsAHandshake(t *testing.T) {
	l, err := lab.New(lab.Config{Link: lab.Link{RTT: 2 * time.Millisecond}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	rec := Record(l, Proto(packet.TCP))
	defer rec.Stop()
	ctx := context.Background()
	ln, err := l.Server().Listen(ctx, "tcp", ":80")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			io.Copy(io.Discard, c)
			c.Close()
		}
	}()
	c, err := l.Client().Dial(ctx, "tcp", net.JoinHostPort(lab.ServerName, "80"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cport := netx.Port(c.LocalAddr())
	isACK := func(f Frame) bool { return f.Dir == netx.ClientToServer && f.Pkt.Flags == packet.ACK }
	if !rec.WaitFor(5*time.Second, isACK) {
		t.Fatal("no final ACK of the handshake recorded")
	}
	fl := Select(rec.Frames(), Flow(packet.TCP, cport, 80))
	var names []string
	for _, f := range fl[:3] {
		names = append(names, FlagString(f.Pkt.Flags))
	}
	if got := names; len(got) != 3 || got[0] != "SYN" || got[1] != "SYN-ACK" || got[2] != "ACK" {
		t.Fatalf("handshake = %v, want SYN, SYN-ACK, ACK", got)
	}
	ev := Event("handshake", "", fl[:3])
	if ev.Frames[1].From != "server" || ev.Frames[0].TMs != 0 || ev.Frames[1].TMs <= 0 || ev.Frames[0].Len != fl[0].Pkt.Total {
		t.Errorf("event frames = %+v", ev.Frames)
	}
	if len(Select(rec.Frames(), Proto(packet.UDP))) != 0 {
		t.Error("the TCP recorder kept UDP frames")
	}
	// Stop is idempotent and keeps what was recorded.
	n := len(rec.Frames())
	rec.Stop()
	rec.Stop()
	if len(rec.Frames()) != n {
		t.Error("Stop lost frames")
	}
}
