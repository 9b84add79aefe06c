package lab

import (
	"fmt"
	"github.com/netdemo/netdemo/internal/netx"
	"io"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// Config sets up a Lab.
type Config struct {
	Link Link
	Seed int64     // every random choice of the link comes from this seed
	Pcap io.Writer // when set, every frame is written as pcap (raw IPv4 link type)
}

// Addresses from RFC 5737 TEST-NET-1: they exist only inside the process.
var (
	ClientAddr = netip.MustParseAddr("192.0.2.1")
	ServerAddr = netip.MustParseAddr("192.0.2.2")
)

// Host names under .test, which RFC 6761 reserves for testing.
const (
	ClientName = "client.test"
	ServerName = "server.test"
)

// Lab is a running virtual network: two hosts and the link between them.
// Its methods are safe for concurrent use.
type Lab struct {
	link   Link
	start  time.Time
	client *Host
	server *Host
	rule   atomic.Pointer[func(Frame) Verdict]
	stats  counters

	// mu orders the frames: everything that must see them in one sequence
	// (numbering, the random model, taps, the pcap) happens under it.
	mu     sync.Mutex
	closed bool
	frames int     // frames seen so far, both directions
	lines  [2]line // by netx.Direction
	taps   []tap   // called in the order they were added
	nextID int     // of the next tap
	pcap   *pcapWriter

	closeOnce sync.Once
	closeErr  error
}

// New starts a lab: two stacks, joined by the link cfg describes.
func New(cfg Config) (*Lab, error) {
	if err := cfg.Link.validate(); err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}
	l := &Lab{link: cfg.Link, start: time.Now()}
	if cfg.Pcap != nil {
		p, err := newPcapWriter(cfg.Pcap)
		if err != nil {
			return nil, fmt.Errorf("lab: writing pcap header: %w", err)
		}
		l.pcap = p
	}

	mtu := uint32(cfg.Link.mtu())
	nics := [2]*nic{
		{lab: l, dir: netx.ClientToServer, mtu: mtu},
		{lab: l, dir: netx.ServerToClient, mtu: mtu},
	}
	for d := range l.lines {
		to := nics[1-d] // a frame leaves one host's NIC and enters the other's
		l.lines[d] = line{rng: lineRand(cfg.Seed, netx.Direction(d)), dl: newDelayLine(to)}
	}

	var err error
	if l.client, err = newHost(l, ClientName, ClientAddr, nics[0], newStackRand(cfg.Seed, streamClientStack)); err != nil {
		l.Close()
		return nil, fmt.Errorf("lab: starting %s: %w", ClientName, err)
	}
	if l.server, err = newHost(l, ServerName, ServerAddr, nics[1], newStackRand(cfg.Seed, streamServerStack)); err != nil {
		l.Close()
		return nil, fmt.Errorf("lab: starting %s: %w", ServerName, err)
	}
	return l, nil
}

// Client is the host at ClientAddr, named "client.test".
func (l *Lab) Client() *Host { return l.client }

// Server is the host at ServerAddr, named "server.test".
func (l *Lab) Server() *Host { return l.server }

// Link is the link the lab was started with, with defaults filled in.
func (l *Lab) Link() Link {
	k := l.link
	k.MTU = k.mtu()
	return k
}

// Start is when New started the lab: subtract it from Frame.At for the
// relative times a packet log shows.
func (l *Lab) Start() time.Time { return l.start }

// isClosed reports whether Close has begun.
func (l *Lab) isClosed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

// Close stops both stacks and flushes the pcap writer. Every blocked Accept,
// Read and Write on the lab's connections returns with an error, and the
// lab's goroutines, and gVisor's, are gone when Close returns. Close returns
// the pcap writer's first error, if any; calling it again returns the same.
func (l *Lab) Close() error {
	l.closeOnce.Do(func() {
		// From now on the link swallows frames: the resets the stacks send
		// while they shut down are not part of the experiment.
		l.mu.Lock()
		l.closed = true
		l.mu.Unlock()

		hosts := []*Host{l.client, l.server}
		for _, h := range hosts {
			if h != nil {
				h.stack.Close()
			}
		}
		for d := range l.lines {
			l.lines[d].dl.close()
		}
		for _, h := range hosts {
			if h != nil {
				h.stack.Wait()
			}
		}

		l.mu.Lock()
		defer l.mu.Unlock()
		if l.pcap != nil {
			if err := l.pcap.flush(); err != nil {
				l.closeErr = fmt.Errorf("lab: writing pcap: %w", err)
			}
		}
	})
	return l.closeErr
}
