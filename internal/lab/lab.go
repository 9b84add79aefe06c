package lab

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netdemo/netdemo/internal/trace/capfile"
)

// Config sets up a Lab.
type Config struct {
	Link Link
	Seed int64 // every random choice of the link comes from this seed
	// Capture, when set, receives every frame: the lab declares one raw
	// IPv4 interface per link (named "link 0: client.test–server.test"),
	// writes each frame on its link's interface, and flushes it in Close.
	// The caller closes the file after the lab. With pcap every link
	// shares the file's one interface; with pcapng each has its own and
	// dropped or duplicated frames carry a comment saying so.
	Capture *capfile.CaptureWriter
	// Topology, when set, names the hosts and links to build; its links
	// with a nil Link use Link above. Without it the lab is the
	// client–server preset: ClientName at ClientAddr and ServerName at
	// ServerAddr, on one link that behaves as Link says.
	Topology *Topology
}

// Lab is a running virtual network: hosts and the links between them.
// Its methods are safe for concurrent use.
type Lab struct {
	start  time.Time
	hosts  []*Host          // in the order of Topology.Hosts
	byName map[string]*Host // by full name
	cables []*cable         // in the order of Topology.Links
	client *Host            // Client(): the host named ClientName, if any
	server *Host            // Server(): the host named ServerName, if any
	rule   atomic.Pointer[func(Frame) Verdict]

	// mu orders the frames: everything that must see them in one sequence
	// (numbering, identities, taps, the pcap) happens under it, for all
	// links together, so that Frame.N counts across them.
	mu      sync.Mutex
	closed  bool
	frames  int   // frames seen so far, all links and directions
	taps    []tap // called in the order they were added
	nextID  int   // of the next tap
	capture *capfile.CaptureWriter

	closeOnce sync.Once
	closeErr  error
}

// New starts a lab: a stack per host, joined by the links cfg describes.
func New(cfg Config) (*Lab, error) {
	if err := cfg.Link.validate(); err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}
	topo := preset(cfg.Link)
	if cfg.Topology != nil {
		topo = *cfg.Topology
	}
	names, err := topo.validate()
	if err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}
	l := &Lab{start: time.Now(), byName: make(map[string]*Host, len(names)), capture: cfg.Capture}
	if err := l.declareInterfaces(topo); err != nil {
		return nil, err
	}

	for _, name := range names {
		h := &Host{lab: l, name: name}
		l.hosts = append(l.hosts, h)
		l.byName[name] = h
	}
	l.client, l.server = l.byName[ClientName], l.byName[ServerName]
	for i, c := range topo.Links {
		k := cfg.Link
		if c.Link != nil {
			k = *c.Link
		}
		l.cables = append(l.cables, newCable(l, i, k, l.byName[HostName(c.A)], l.byName[HostName(c.B)], cfg.Seed))
	}
	for _, h := range l.hosts {
		// "stack client" and "stack server" on the preset, as before.
		if err := h.start(newStackRand(cfg.Seed, "stack "+strings.TrimSuffix(h.name, "."+Domain))); err != nil {
			l.Close()
			return nil, fmt.Errorf("lab: starting %s: %w", h.name, err)
		}
	}
	return l, nil
}

// Client is the host named ClientName ("client.test"): on the preset, the
// one at ClientAddr. It is nil when a Topology has no such host.
func (l *Lab) Client() *Host { return l.client }

// Server is the host named ServerName ("server.test"): on the preset, the
// one at ServerAddr. It is nil when a Topology has no such host.
func (l *Lab) Server() *Host { return l.server }

// Host returns the host of that name ("proxy" or "proxy.test"), or nil.
func (l *Lab) Host(name string) *Host { return l.byName[HostName(name)] }

// Hosts returns the lab's hosts in the order of Topology.Hosts (client and
// server on the preset).
func (l *Lab) Hosts() []*Host { return slices.Clone(l.hosts) }

// Link is link 0 (the preset's only one) as the lab was started with it,
// with defaults filled in.
func (l *Lab) Link() Link { return l.LinkOf(0) }

// LinkOf is link i, the i-th of Topology.Links, with defaults filled in.
func (l *Lab) LinkOf(i int) Link {
	k := l.cables[i].link
	k.MTU = k.mtu()
	return k
}

// Links is how many links the lab has: 1 on the preset.
func (l *Lab) Links() int { return len(l.cables) }

// Start is when New started the lab: subtract it from Frame.At for the
// relative times a packet log shows.
func (l *Lab) Start() time.Time { return l.start }

// isClosed reports whether Close has begun.
func (l *Lab) isClosed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

// Close stops every stack and flushes the capture. Every blocked Accept,
// Read and Write on the lab's connections returns with an error, and the
// lab's goroutines, and gVisor's, are gone when Close returns. Close returns
// the capture's first write error, if any; calling it again returns the same.
func (l *Lab) Close() error {
	l.closeOnce.Do(func() {
		// From now on the link swallows frames: the resets the stacks send
		// while they shut down are not part of the experiment.
		l.mu.Lock()
		l.closed = true
		l.mu.Unlock()

		for _, h := range l.hosts {
			if h.stack != nil {
				h.stack.Close()
			}
		}
		for _, c := range l.cables {
			for d := range c.lines {
				c.lines[d].dl.close()
			}
		}
		for _, h := range l.hosts {
			if h.stack != nil {
				h.stack.Wait()
			}
		}

		l.mu.Lock()
		defer l.mu.Unlock()
		if l.capture != nil {
			if err := l.capture.Flush(); err != nil {
				l.closeErr = fmt.Errorf("lab: writing the capture: %w", err)
			}
		}
	})
	return l.closeErr
}
