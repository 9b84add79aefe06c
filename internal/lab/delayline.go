package lab

import (
	"sync"
	"time"

	"gvisor.dev/gvisor/pkg/buffer"
)

// delayLine carries the frames of one direction from the moment the link
// decided their delivery time to the moment the receiving stack gets them.
//
// One goroutine per direction sleeps on one timer until the earliest frame
// is due, then hands over every frame that is due. Thousands of frames in
// flight (a 40 ms RTT at gigabit rates) cost a slice, not goroutines or
// timers. Frames wait in a min-heap ordered by (due, seq): in-order frames
// are pushed with non-decreasing due times, so for them the heap is a FIFO;
// only reordered frames, which are due later, ever sink.
type delayLine struct {
	to *nic // the receiving host's NIC

	mu   sync.Mutex
	q    frameHeap // guarded by mu
	seq  uint64    // guarded by mu; breaks ties in due time by arrival
	wake chan struct{}
	done chan struct{}
	wg   sync.WaitGroup
}

// pending is one frame on the wire.
type pending struct {
	due time.Time
	seq uint64
	buf buffer.Buffer // the IPv4 packet; owned by the line until delivered
}

func newDelayLine(to *nic) *delayLine {
	dl := &delayLine{
		to:   to,
		wake: make(chan struct{}, 1),
		done: make(chan struct{}),
	}
	dl.wg.Add(1)
	go dl.run()
	return dl
}

// push puts a frame on the wire, to be delivered at due.
func (dl *delayLine) push(due time.Time, buf buffer.Buffer) {
	dl.mu.Lock()
	dl.seq++
	dl.q.push(pending{due: due, seq: dl.seq, buf: buf})
	first := dl.q[0].seq == dl.seq
	dl.mu.Unlock()
	if first { // the goroutine may be asleep waiting for a later frame
		select {
		case dl.wake <- struct{}{}:
		default:
		}
	}
}

// run delivers frames as they fall due until close.
func (dl *delayLine) run() {
	defer dl.wg.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var batch []buffer.Buffer
	for {
		dl.mu.Lock()
		now := time.Now()
		for len(dl.q) > 0 && !dl.q[0].due.After(now) {
			batch = append(batch, dl.q.pop().buf)
		}
		wait := time.Duration(-1)
		if len(dl.q) > 0 {
			wait = dl.q[0].due.Sub(now)
		}
		dl.mu.Unlock()

		if len(batch) > 0 {
			// Deliver outside the lock: the receiving stack may answer at
			// once, and that answer travels the other line.
			for i := range batch {
				dl.to.deliver(batch[i])
				batch[i] = buffer.Buffer{}
			}
			batch = batch[:0]
			continue // time has passed; look again before sleeping
		}

		if wait >= 0 {
			timer.Reset(wait)
		}
		select {
		case <-dl.wake:
		case <-timer.C:
		case <-dl.done:
			timer.Stop()
			return
		}
		timer.Stop()
	}
}

// close stops the goroutine and frees the frames still on the wire.
func (dl *delayLine) close() {
	close(dl.done)
	dl.wg.Wait()
	dl.mu.Lock()
	defer dl.mu.Unlock()
	for len(dl.q) > 0 {
		p := dl.q.pop()
		p.buf.Release()
	}
}

// frameHeap is a binary min-heap of pending frames by (due, seq). It is
// written out rather than built on container/heap so that pushing a frame
// does not box it in an interface, which would allocate for every packet.
type frameHeap []pending

func (h frameHeap) less(i, j int) bool {
	if h[i].due.Equal(h[j].due) {
		return h[i].seq < h[j].seq
	}
	return h[i].due.Before(h[j].due)
}

func (h *frameHeap) push(p pending) {
	*h = append(*h, p)
	q := *h
	for i := len(q) - 1; i > 0; {
		parent := (i - 1) / 2
		if !q.less(i, parent) {
			break
		}
		q[i], q[parent] = q[parent], q[i]
		i = parent
	}
}

func (h *frameHeap) pop() pending {
	q := *h
	top := q[0]
	last := len(q) - 1
	q[0] = q[last]
	q[last] = pending{} // let the buffer go
	q = q[:last]
	for i := 0; ; {
		small, l, r := i, 2*i+1, 2*i+2
		if l < len(q) && q.less(l, small) {
			small = l
		}
		if r < len(q) && q.less(r, small) {
			small = r
		}
		if small == i {
			break
		}
		q[i], q[small] = q[small], q[i]
		i = small
	}
	*h = q
	return top
}
