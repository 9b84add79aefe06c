package lab

import (
	"github.com/netdemo/netdemo/internal/netx"
	"slices"
	"testing"
	"time"
)

// fateRun sends 1,000 datagrams each way at once over a lossy, jittery,
// duplicating, reordering link and returns the fates each direction's
// frames met.
func fateRun(t *testing.T, seed int64) [2][]Fate {
	t.Helper()
	const n = 1000
	l := newTestLab(t, Config{Seed: seed, Link: Link{
		RTT: 2 * time.Millisecond, Jitter: time.Millisecond,
		Loss: 0.1, Reorder: 0.05, Duplicate: 0.05,
	}})
	r := record(l)
	// The flows are opened in a fixed order, so that their ephemeral ports,
	// part of each datagram's identity, come from the seed alone; then they
	// send at once, interleaving on the link as the scheduler pleases.
	errs := make(chan error, 2)
	for _, d := range []netx.Direction{netx.ClientToServer, netx.ServerToClient} {
		u, err := openBlast(l, l.Client(), l.Server(), d)
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			_, err := u.send(n)
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	frames := r.all()
	out := [2][]Fate{fates(frames, netx.ClientToServer), fates(frames, netx.ServerToClient)}
	for d, fs := range out {
		if len(fs) != n {
			t.Fatalf("seed %d: the tap saw %d frames %v, want %d", seed, len(fs), netx.Direction(d), n)
		}
	}
	return out
}

func TestSameSeedSameFates(t *testing.T) {
	a, b, other := fateRun(t, 42), fateRun(t, 42), fateRun(t, 43)
	for d := range a {
		dir := netx.Direction(d)
		if i := firstDifference(a[d], b[d]); i >= 0 {
			t.Errorf("seed 42 twice: %v frame %d was %v, then %v; want the same fates", dir, i+1, a[d][i], b[d][i])
		}
		if slices.Equal(a[d], other[d]) {
			t.Errorf("seeds 42 and 43 gave the same %d fates %v, want different ones", len(a[d]), dir)
		}
	}
	if slices.Equal(a[0], a[1]) {
		t.Errorf("both directions met the same fates, want an independent stream each")
	}
}

func firstDifference(a, b []Fate) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

func TestRule(t *testing.T) {
	l := newTestLab(t, Config{Seed: 3, Link: Link{Loss: 0.5}})
	r := record(l)
	// Drop the 3rd frame, pass everything else past the 50% loss.
	l.SetRule(func(f Frame) Verdict {
		if f.N == 3 {
			return Drop
		}
		return Pass
	})
	got, err := blastUDP(l, netx.ClientToServer, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 9 || slices.Contains(got, 2) {
		t.Errorf("arrived %v, want all of 0..9 but 2", got)
	}
	if fs := fates(r.all(), netx.ClientToServer); len(fs) < 3 || fs[2] != Dropped {
		t.Errorf("fates %v, want the 3rd Dropped", fs)
	}

	l.SetRule(nil)
	got, err = blastUDP(l, netx.ClientToServer, 200)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > 150 {
		t.Errorf("%d of 200 arrived after the rule was removed, want about half lost", len(got))
	}
}

func TestTapRemove(t *testing.T) {
	l := newTestLab(t, Config{})
	count := 0
	remove := l.AddTap(func(Frame) { count++ })
	if _, err := blastUDP(l, netx.ClientToServer, 5); err != nil {
		t.Fatal(err)
	}
	remove()
	if _, err := blastUDP(l, netx.ClientToServer, 5); err != nil {
		t.Fatal(err)
	}
	if count != 5 {
		t.Errorf("tap counted %d frames, want 5: the ones before it was removed", count)
	}
}
