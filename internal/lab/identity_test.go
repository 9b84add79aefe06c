package lab

import (
	"encoding/binary"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/netx"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// tcpFrame builds an IPv4 packet with one TCP segment, as a stack would
// send it (checksums left zero: identify does not read them).
func tcpFrame(src, dst endpoint, seq, ack uint32, flags header.TCPFlags, payload int) []byte {
	b := make([]byte, header.IPv4MinimumSize+header.TCPMinimumSize+payload)
	header.IPv4(b).Encode(&header.IPv4Fields{
		TotalLength: uint16(len(b)), TTL: 64, Protocol: uint8(header.TCPProtocolNumber),
		SrcAddr: tcpip.AddrFrom4(src.addr), DstAddr: tcpip.AddrFrom4(dst.addr),
	})
	header.TCP(b[header.IPv4MinimumSize:]).Encode(&header.TCPFields{
		SrcPort: src.port, DstPort: dst.port, SeqNum: seq, AckNum: ack,
		DataOffset: header.TCPMinimumSize, Flags: flags, WindowSize: 65535,
	})
	return b
}

func TestIdentifyTCP(t *testing.T) {
	cli := endpoint{addr: ClientAddr.As4(), port: 40000}
	srv := endpoint{addr: ServerAddr.As4(), port: 80}
	// The same connection twice, with other ISNs and with a different
	// number of pure ACKs between the segments: the data segments must get
	// the same identities.
	run := func(isnC, isnS uint32, extraACKs int) []frameID {
		var ft flowTable
		c2s, s2c := netx.ClientToServer, netx.ServerToClient
		var ids []frameID
		data := func(d netx.Direction, b []byte) { ids = append(ids, ft.identify(d, b)) }
		ack := func() {
			for range extraACKs {
				ft.identify(s2c, tcpFrame(srv, cli, isnS+1, isnC+1, header.TCPFlagAck, 0))
			}
		}
		data(c2s, tcpFrame(cli, srv, isnC, 0, header.TCPFlagSyn, 0))
		data(c2s, tcpFrame(cli, srv, isnC, 0, header.TCPFlagSyn, 0)) // the SYN again
		data(s2c, tcpFrame(srv, cli, isnS, isnC+1, header.TCPFlagSyn|header.TCPFlagAck, 0))
		ack()
		data(c2s, tcpFrame(cli, srv, isnC+1, isnS+1, header.TCPFlagAck, 100))
		ack()
		data(c2s, tcpFrame(cli, srv, isnC+101, isnS+1, header.TCPFlagAck, 100))
		data(c2s, tcpFrame(cli, srv, isnC+1, isnS+1, header.TCPFlagAck, 100)) // retransmitted
		ack()
		data(c2s, tcpFrame(cli, srv, isnC+1, isnS+1, header.TCPFlagAck, 100)) // and again
		data(c2s, tcpFrame(cli, srv, isnC+201, isnS+1, header.TCPFlagAck|header.TCPFlagFin, 0))
		return ids
	}
	a, b := run(1000, 5000, 0), run(0xfffffff0, 77, 3) // b's client sequence numbers wrap
	want := []struct {
		kind frameKind
		a, n uint32
	}{
		{kindTCPData, 0, 1}, {kindTCPData, 0, 2}, {kindTCPData, 0, 1},
		{kindTCPData, 1, 1}, {kindTCPData, 101, 1}, {kindTCPData, 1, 2}, {kindTCPData, 1, 3}, {kindTCPData, 201, 1},
	}
	for i, w := range want {
		if a[i] != b[i] {
			t.Errorf("segment %d: identity %+v in one run, %+v in the other; want the same", i, a[i], b[i])
		}
		if a[i].kind != w.kind || a[i].a != w.a || a[i].n != w.n {
			t.Errorf("segment %d: kind %d, relative seq %d, transmission %d; want %d, %d, %d", i, a[i].kind, a[i].a, a[i].n, w.kind, w.a, w.n)
		}
	}
	key := newFateKey(1, 0)
	if key.draws(netx.ClientToServer, a[3]) == key.draws(netx.ClientToServer, a[5]) {
		t.Errorf("a retransmission drew the same numbers as the first transmission, want its own draw")
	}
}

// exchange is one run of a mixed exchange for TestSeedFixesFates: the fates
// of the UDP datagrams by number, and of the first transmissions of TCP
// segments by direction, relative sequence number and length.
type exchange struct {
	udp map[uint32]Fate
	tcp map[tcpSeg]Fate
	// what varied with timing: all TCP frames, and the retransmissions
	tcpFrames, retransmissions int
}

type tcpSeg struct {
	dir      netx.Direction
	seq, len uint32
}

// mixedExchange runs a TCP echo (a 20 kB request, the same back, then ten
// small request–response rounds) and 300 UDP datagrams at the same time on
// a lossy link, and records the fates by identity.
func mixedExchange(t *testing.T, seed int64) exchange {
	t.Helper()
	l := newTestLab(t, Config{Seed: seed, Link: Link{
		RTT: 2 * time.Millisecond, Loss: 0.05, Reorder: 0.02, Duplicate: 0.02,
	}})
	ctx := testContext(t, 30*time.Second)
	ex := exchange{udp: map[uint32]Fate{}, tcp: map[tcpSeg]Fate{}}
	var isn [2]uint32
	var sent [2]uint32 // relative sequence past the highest byte sent, by direction
	// Removed before the caller reads ex: frames (the FINs) still flow
	// after the exchange.
	defer l.AddTap(func(f Frame) {
		if p, ok := udpPayload(f.Data); ok && len(p) >= 4 && f.Dir == netx.ClientToServer {
			ex.udp[binary.BigEndian.Uint32(p)] = f.Fate
			return
		}
		tcp, n, ok := tcpSegment(f.Data)
		if !ok {
			return
		}
		ex.tcpFrames++
		if tcp.Flags().Contains(header.TCPFlagSyn) {
			isn[f.Dir] = tcp.SequenceNumber()
		}
		rel := tcp.SequenceNumber() - isn[f.Dir]
		span := uint32(n)
		if tcp.Flags().Intersects(header.TCPFlagSyn | header.TCPFlagFin) {
			span++
		}
		if span == 0 {
			return
		}
		if end := rel + span; int32(end-sent[f.Dir]) > 0 {
			sent[f.Dir] = end
			ex.tcp[tcpSeg{f.Dir, rel, uint32(n)}] = f.Fate
		} else {
			ex.retransmissions++
		}
	})()

	ln, err := l.Server().Listen(ctx, "tcp", ":7")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		io.Copy(c, c)
	}()
	// Opened one after the other, so the ephemeral ports come from the seed.
	tc, err := l.Client().Dial(ctx, "tcp", ServerName+":7")
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	udp, err := openBlast(l, l.Client(), l.Server(), netx.ClientToServer)
	if err != nil {
		t.Fatal(err)
	}

	udpDone := make(chan error, 1)
	go func() {
		_, err := udp.send(300)
		udpDone <- err
	}()
	tc.SetDeadline(time.Now().Add(20 * time.Second))
	echo := func(n int) error {
		msg := make([]byte, n)
		if _, err := tc.Write(msg); err != nil {
			return err
		}
		_, err := io.ReadFull(tc, msg)
		return err
	}
	if err := echo(20_000); err != nil {
		t.Fatalf("TCP echo of 20 kB: %v", err)
	}
	for range 10 {
		if err := echo(300); err != nil {
			t.Fatalf("TCP echo of 300 bytes: %v", err)
		}
	}
	if err := <-udpDone; err != nil {
		t.Fatal(err)
	}
	return ex
}

// TestSeedFixesFates runs the same mixed exchange five times with one seed.
// The TCP ACKs, and so the order of frames on the link, vary with timing;
// the fates of the UDP datagrams and of the first transmissions of TCP
// segments must not.
func TestSeedFixesFates(t *testing.T) {
	const seed = 7
	first := mixedExchange(t, seed)
	if len(first.udp) != 300 {
		t.Fatalf("the tap saw %d of 300 datagrams", len(first.udp))
	}
	count := func(m map[uint32]Fate) (lost int) {
		for _, f := range m {
			if f == Dropped {
				lost++
			}
		}
		return lost
	}
	for run := 2; run <= 5; run++ {
		ex := mixedExchange(t, seed)
		for n, f := range first.udp {
			if ex.udp[n] != f {
				t.Errorf("run %d: datagram %d was %v, in run 1 %v", run, n, ex.udp[n], f)
			}
		}
		common := 0
		for s, f := range first.tcp {
			g, ok := ex.tcp[s]
			if !ok {
				continue // cut differently this time: another segment
			}
			common++
			if g != f {
				t.Errorf("run %d: first transmission of %v seq %d len %d was %v, in run 1 %v", run, s.dir, s.seq, s.len, g, f)
			}
		}
		if common < len(first.tcp)/2 {
			t.Errorf("run %d: only %d of run 1's %d TCP segments were cut the same, too few to compare", run, common, len(first.tcp))
		}
		t.Logf("run %d: UDP %d datagrams, %d dropped (run 1: %d); TCP %d frames, %d retransmissions (run 1: %d, %d); %d of %d first transmissions in common, same fates",
			run, len(ex.udp), count(ex.udp), count(first.udp), ex.tcpFrames, ex.retransmissions, first.tcpFrames, first.retransmissions, common, len(first.tcp))
	}
	if other := mixedExchange(t, seed+1); fmt.Sprint(sortedFates(other.udp)) == fmt.Sprint(sortedFates(first.udp)) {
		t.Errorf("seeds %d and %d gave the same UDP fates, want different ones", seed, seed+1)
	}
}

func sortedFates(m map[uint32]Fate) []Fate {
	out := make([]Fate, len(m))
	for n, f := range m {
		if int(n) < len(out) {
			out[n] = f
		}
	}
	return out
}

// TestFateDoesNotAllocate guards the hot path: identifying a frame of a
// known flow and drawing its fate allocate nothing.
func TestFateDoesNotAllocate(t *testing.T) {
	var ft flowTable
	key := newFateKey(1, 0)
	cli := endpoint{addr: ClientAddr.As4(), port: 40000}
	srv := endpoint{addr: ServerAddr.As4(), port: 80}
	ft.identify(netx.ClientToServer, tcpFrame(cli, srv, 1, 0, header.TCPFlagSyn, 0))
	seg := tcpFrame(cli, srv, 2, 0, header.TCPFlagAck, 1000)
	seq := uint32(2)
	allocs := testing.AllocsPerRun(1000, func() {
		binary.BigEndian.PutUint32(seg[header.IPv4MinimumSize+4:], seq)
		seq += 1000
		_ = decide(key.draws(netx.ClientToServer, ft.identify(netx.ClientToServer, seg[:peekSize])), &Link{Loss: 0.1}, Default)
	})
	if allocs != 0 {
		t.Errorf("a frame's fate took %v allocations, want 0", allocs)
	}
}

// FuzzIdentify feeds identify arbitrary bytes, as frames and as the first
// bytes of frames: it must not panic, and the same frames in the same order
// must get the same identities.
func FuzzIdentify(f *testing.F) {
	cli := endpoint{addr: ClientAddr.As4(), port: 40000}
	srv := endpoint{addr: ServerAddr.As4(), port: 80}
	f.Add(tcpFrame(cli, srv, 1, 0, header.TCPFlagSyn, 0), tcpFrame(srv, cli, 9, 2, header.TCPFlagSyn|header.TCPFlagAck, 0))
	f.Add(tcpFrame(cli, srv, 2, 10, header.TCPFlagAck, 100), []byte{0x45, 0, 0, 20})
	f.Add([]byte{0x4f, 0, 0, 60, 0, 0, 0x20, 0}, []byte{})
	f.Fuzz(func(t *testing.T, a, b []byte) {
		var t1, t2 flowTable
		for _, d := range []netx.Direction{netx.ClientToServer, netx.ServerToClient} {
			for _, p := range [][]byte{a, b, a} {
				if len(p) > peekSize {
					p = p[:peekSize]
				}
				if x, y := t1.identify(d, p), t2.identify(d, p); x != y {
					t.Fatalf("the same frame got identities %+v and %+v", x, y)
				}
			}
		}
	})
}
