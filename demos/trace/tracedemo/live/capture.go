package live

import (
	"fmt"
	"sync"
	"time"
)

// source is an open raw socket: read blocks for at most a short poll
// interval and then returns errTimeout, so that Stop is never stuck.
type source interface {
	read(buf []byte) (n int, pkttype uint8, at time.Time, err error)
	close() error
}

// Capture collects the filtered packets of the loopback from Open to Stop.
type Capture struct {
	src    source
	filter Filter

	mu   sync.Mutex
	pkts []Packet
	last time.Time // when the last matching packet arrived
	err  error     // the first read error other than a timeout

	stop chan struct{}
	done chan struct{}
}

// Open starts capturing on the loopback interface "lo".
func Open(f Filter) (*Capture, error) {
	src, err := openSource("lo")
	if err != nil {
		return nil, err
	}
	return start(src, f), nil
}

func start(src source, f Filter) *Capture {
	c := &Capture{src: src, filter: f, last: time.Now(), stop: make(chan struct{}), done: make(chan struct{})}
	go c.loop()
	return c
}

func (c *Capture) loop() {
	defer close(c.done)
	buf := make([]byte, 1<<18) // loopback MTU is 64 KiB; offload can merge more
	for {
		select {
		case <-c.stop:
			return
		default:
		}
		n, pkttype, at, err := c.src.read(buf)
		if err == errTimeout {
			continue
		}
		if err != nil {
			c.mu.Lock()
			c.err = err
			c.mu.Unlock()
			return
		}
		if !Dedup(pkttype) {
			continue
		}
		ip := stripEthernet(buf[:n])
		if ip == nil || !c.filter.Match(ip) {
			continue
		}
		p := Packet{At: at, Data: append([]byte(nil), ip...)}
		c.mu.Lock()
		c.pkts = append(c.pkts, p)
		c.last = time.Now()
		c.mu.Unlock()
	}
}

// Stop waits until no matching packet has arrived for quiet (the last ACK
// of a teardown trails the close() that ended the exchange), at most
// maxWait, then closes the socket and returns the packets in arrival order.
func (c *Capture) Stop(quiet, maxWait time.Duration) ([]Packet, error) {
	deadline := time.Now().Add(maxWait)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		idle := time.Since(c.last)
		failed := c.err != nil
		c.mu.Unlock()
		if idle >= quiet || failed {
			break
		}
		time.Sleep(min(quiet-idle, 20*time.Millisecond) + time.Millisecond)
	}
	close(c.stop)
	<-c.done
	cerr := c.src.close()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.pkts, fmt.Errorf("reading the raw socket: %w", c.err)
	}
	if cerr != nil {
		return c.pkts, fmt.Errorf("closing the raw socket: %w", cerr)
	}
	return c.pkts, nil
}

// errTimeout is what source.read returns when nothing arrived in time.
var errTimeout = fmt.Errorf("no packet yet")
