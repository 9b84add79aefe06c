package lab

import (
	"github.com/netdemo/netdemo/internal/netx"
	"io"
	"math"
	"testing"
	"time"
)

func TestConnectTakesOneRTT(t *testing.T) {
	const rtt = 100 * time.Millisecond
	l := newTestLab(t, Config{Link: Link{RTT: rtt}})
	ln := echoServer(t, l)
	// The best of five: a loaded machine can only make a handshake slower.
	best := time.Hour
	for range 5 {
		ctx := testContext(t, 10*time.Second)
		start := time.Now()
		c, err := l.Client().Dial(ctx, "tcp", ln.Addr().String())
		if err != nil {
			t.Fatalf("Dial: %v", err)
		}
		best = min(best, time.Since(start))
		c.Close()
	}
	t.Logf("connect took %v at RTT %v", best, rtt)
	// This is the lab's fidelity, not a speed target: the handshake is
	// SYN out and SYN-ACK back, so it must take the link's RTT, and the
	// foundation issue asks for it within 10%. A busy machine only adds
	// time; the best of five absorbs that (measured 101–102 ms at a load
	// average of 20 on two cores). BenchmarkConnect reports the ratio too.
	if best < rtt-rtt/10 || best > rtt+rtt/10 {
		t.Errorf("connect took %v at best of 5, want one RTT (%v) within 10%%", best, rtt)
	}
}

func TestLossRate(t *testing.T) {
	const n, loss = 10000, 0.1
	l := newTestLab(t, Config{Link: Link{Loss: loss}, Seed: 1})
	got, err := blastUDP(l, netx.ClientToServer, n)
	if err != nil {
		t.Fatal(err)
	}
	rate := 1 - float64(len(got))/n
	t.Logf("%d of %d datagrams arrived: loss %.4f", len(got), n, rate)
	if math.Abs(rate-loss) > 0.01 {
		t.Errorf("measured loss %.4f over %d datagrams, want %v ± 0.01", rate, n, loss)
	}
	if s := l.Stats(); s.Frames[netx.ClientToServer] != n || s.Dropped[netx.ClientToServer] != n-len(got) {
		t.Errorf("Stats = %+v, want %d frames client→server of which %d dropped", s, n, n-len(got))
	}
}

// outOfOrder counts the datagrams that arrived after a higher-numbered one.
func outOfOrder(seqs []uint32) int {
	late := 0
	var high uint32
	for i, s := range seqs {
		if i > 0 && s < high {
			late++
		}
		high = max(high, s)
	}
	return late
}

// duplicates counts the datagrams that arrived more than once.
func duplicates(seqs []uint32) int {
	seen := map[uint32]bool{}
	dups := 0
	for _, s := range seqs {
		if seen[s] {
			dups++
		}
		seen[s] = true
	}
	return dups
}

func TestLinkModel(t *testing.T) {
	const n = 500
	tests := []struct {
		desc       string
		link       Link
		late, dups bool // whether out-of-order and duplicate arrivals must appear
	}{
		{"jitter alone keeps order", Link{RTT: 10 * time.Millisecond, Jitter: 20 * time.Millisecond}, false, false},
		{"reorder reorders", Link{RTT: 10 * time.Millisecond, Reorder: 0.1}, true, false},
		{"reorder on a zero-delay link", Link{Reorder: 0.1}, true, false},
		{"duplicate duplicates", Link{Duplicate: 0.1}, false, true},
		{"duplicate with delay", Link{RTT: 4 * time.Millisecond, Jitter: time.Millisecond, Duplicate: 0.1}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			l := newTestLab(t, Config{Link: tt.link, Seed: 7})
			got, err := blastUDP(l, netx.ClientToServer, n)
			if err != nil {
				t.Fatal(err)
			}
			s := l.Stats()
			late, dups := outOfOrder(got), duplicates(got)
			t.Logf("%d arrived, %d late, %d duplicates; stats %+v", len(got), late, dups, s)
			if (late > 0) != tt.late {
				t.Errorf("%v: %d of %d datagrams arrived out of order, want reordering %v", tt.link, late, n, tt.late)
			}
			if (dups > 0) != tt.dups {
				t.Errorf("%v: %d of %d datagrams arrived twice, want duplicates %v", tt.link, dups, n, tt.dups)
			}
			if want := n + s.Duplicated[netx.ClientToServer]; len(got) != want {
				t.Errorf("%v: %d datagrams arrived, want %d sent + %d duplicated", tt.link, len(got), n, s.Duplicated[netx.ClientToServer])
			}
			if tt.late && s.Reordered[netx.ClientToServer] == 0 {
				t.Errorf("Stats.Reordered = 0, want the reordered frames counted")
			}
		})
	}
}

// transfer sends size bytes from client to server over TCP and returns how
// long the server took to receive them all.
func transfer(t testing.TB, l *Lab, size int) time.Duration {
	t.Helper()
	ctx := testContext(t, 30*time.Second)
	ln, err := l.Server().Listen(ctx, "tcp", ":0")
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	defer ln.Close()
	type result struct {
		n   int64
		err error
	}
	got := make(chan result, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- result{err: err}
			return
		}
		defer c.Close()
		n, err := io.Copy(io.Discard, c)
		got <- result{n, err}
	}()
	start := time.Now()
	c, err := l.Client().Dial(ctx, "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	if _, err := c.Write(make([]byte, size)); err != nil {
		t.Fatalf("Write: %v", err)
	}
	c.Close()
	select {
	case r := <-got:
		if r.err != nil || r.n != int64(size) {
			t.Fatalf("server received %d bytes, %v; want %d", r.n, r.err, size)
		}
	case <-ctx.Done():
		t.Fatalf("transfer of %d bytes did not finish", size)
	}
	return time.Since(start)
}

func TestRateLimit(t *testing.T) {
	const size, rate = 1 << 20, 10_000_000
	l := newTestLab(t, Config{Link: Link{RateBPS: rate}})
	d := transfer(t, l, size)
	floor := time.Duration(float64(size*8) / rate * 0.9 * float64(time.Second))
	t.Logf("1 MiB at 10 Mbit/s took %v", d)
	if d < floor {
		t.Errorf("1 MiB at 10 Mbit/s took %v, want at least %v", d, floor)
	}
}

func TestMTU(t *testing.T) {
	const mtu = 1000
	l := newTestLab(t, Config{Link: Link{MTU: mtu}})
	r := record(l)
	transfer(t, l, 100_000)

	// A datagram bigger than the MTU is fragmented, and reassembled.
	ctx := testContext(t, 10*time.Second)
	pc, err := l.Server().ListenPacket(ctx, "udp", ":0")
	if err != nil {
		t.Fatalf("ListenPacket: %v", err)
	}
	defer pc.Close()
	c, err := l.Client().Dial(ctx, "udp", pc.LocalAddr().String())
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer c.Close()
	if _, err := c.Write(make([]byte, 3000)); err != nil {
		t.Fatalf("Write: %v", err)
	}
	pc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, _, err := pc.ReadFrom(make([]byte, 4000)); n != 3000 || err != nil {
		t.Errorf("ReadFrom = %d, %v; want the 3000-byte datagram", n, err)
	}

	largest := 0
	for _, f := range r.all() {
		largest = max(largest, len(f.Data))
	}
	if largest > mtu || largest < mtu-60 {
		t.Errorf("largest frame is %d bytes, want the MTU (%d) or a little less", largest, mtu)
	}
	if got := l.Link().MTU; got != mtu {
		t.Errorf("Link().MTU = %d, want %d", got, mtu)
	}
	if got := (Link{}).mtu(); got != DefaultMTU {
		t.Errorf("zero Link's MTU = %d, want %d", got, DefaultMTU)
	}
}

// TestBulkOverDelay moves 1 MiB over a 40 ms link, which keeps hundreds of
// frames in flight on the delay line (TestDelayLineHoldsThousands pushes the
// line itself further).
func TestBulkOverDelay(t *testing.T) {
	l := newTestLab(t, Config{Link: Link{RTT: 40 * time.Millisecond}})
	const size = 1 << 20
	d := transfer(t, l, size)
	t.Logf("1 MiB over a 40 ms link took %v (%.0f Mbit/s)", d, float64(size*8)/d.Seconds()/1e6)
}
