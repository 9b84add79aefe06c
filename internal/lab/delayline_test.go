package lab

import (
	"encoding/binary"
	"runtime"
	"sync"
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// arrivals is a NetworkDispatcher that notes what it is given and when.
type arrivals struct {
	mu   sync.Mutex
	seqs []uint32
	at   []time.Time
}

func (a *arrivals) DeliverNetworkPacket(_ tcpip.NetworkProtocolNumber, pkt *stack.PacketBuffer) {
	b := pkt.ToBuffer()
	data := b.Flatten()
	b.Release()
	a.mu.Lock()
	a.seqs = append(a.seqs, binary.BigEndian.Uint32(data))
	a.at = append(a.at, time.Now())
	a.mu.Unlock()
}

func (*arrivals) DeliverLinkPacket(tcpip.NetworkProtocolNumber, *stack.PacketBuffer) {}

func (a *arrivals) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.seqs)
}

// TestDelayLineHoldsThousands puts 20,000 frames on a 20 ms line at once:
// they must all arrive, in order, about 20 ms later, with one goroutine
// doing the work.
func TestDelayLineHoldsThousands(t *testing.T) {
	const n, delay = 20000, 20 * time.Millisecond
	a := &arrivals{}
	to := &nic{}
	to.Attach(a)
	goroutines := runtime.NumGoroutine()
	dl := newDelayLine(to)
	defer dl.close()

	start := time.Now()
	due := start.Add(delay)
	for i := range n {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], uint32(i))
		dl.push(due, buffer.MakeWithData(b[:]))
	}
	// One goroutine for the line; a few more may come and go elsewhere in
	// the test binary, but not one per frame.
	if g := runtime.NumGoroutine() - goroutines; g > 5 {
		t.Errorf("%d goroutines more with %d frames in flight, want 1: the line's", g, n)
	}
	for deadline := time.Now().Add(10 * time.Second); a.count() < n && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.seqs) != n {
		t.Fatalf("%d of %d frames arrived", len(a.seqs), n)
	}
	for i, s := range a.seqs {
		if s != uint32(i) {
			t.Fatalf("frame %d arrived in place %d, want FIFO order", s, i)
		}
	}
	if first := a.at[0].Sub(start); first < delay {
		t.Errorf("first frame arrived after %v, want no sooner than %v", first, delay)
	}
}

// TestDelayLineEarlierFrameWakesIt pushes a far-off frame and then one due
// sooner: the line must not sleep through the second.
func TestDelayLineEarlierFrameWakesIt(t *testing.T) {
	a := &arrivals{}
	to := &nic{}
	to.Attach(a)
	dl := newDelayLine(to)
	defer dl.close()
	now := time.Now()
	dl.push(now.Add(time.Hour), buffer.MakeWithData([]byte{0, 0, 0, 1}))
	dl.push(now.Add(5*time.Millisecond), buffer.MakeWithData([]byte{0, 0, 0, 2}))
	for deadline := time.Now().Add(5 * time.Second); a.count() < 1 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.seqs) != 1 || a.seqs[0] != 2 {
		t.Fatalf("arrived %v, want only the frame due in 5 ms", a.seqs)
	}
}
