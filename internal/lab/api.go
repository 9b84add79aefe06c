// Package lab is the virtual network: two hosts, client and server, each with
// its own real user-space TCP/IP stack (gVisor netstack), joined by a link
// whose delay, jitter, loss, reordering, duplication, rate and MTU we control.
//
// STUB: this file fixes the API; the implementation is being written.
package lab

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"time"
)

// Link describes the wire between the two hosts. The zero value is a perfect
// link (no delay, no loss) with MTU 1500.
type Link struct {
	RTT       time.Duration // round-trip time; each direction delays RTT/2
	Jitter    time.Duration // extra one-way delay, uniform in [0, Jitter); FIFO kept unless Reorder
	Loss      float64       // probability that a frame is dropped
	Reorder   float64       // probability that a frame is held back so that later ones overtake it
	Duplicate float64       // probability that a frame is delivered twice
	RateBPS   int64         // bits per second in each direction; 0 means unlimited
	MTU       int           // bytes of IP packet; 0 means 1500
}

// Direction says which way a frame travels.
type Direction int

const (
	ClientToServer Direction = iota
	ServerToClient
)

// Fate is what the link did with a frame.
type Fate int

const (
	Delivered Fate = iota
	Dropped
	Duplicated
	Reordered
)

// Frame is one IP packet as the link saw it.
type Frame struct {
	N    int       // 1-based, in the order the link saw frames (both directions)
	At   time.Time // when the sending host handed it to the link
	Dir  Direction //
	Data []byte    // the IPv4 packet, header first; read only
	Fate Fate      //
}

// Verdict is what a Rule decides for one frame.
type Verdict int

const (
	Default Verdict = iota // let the link's random model decide
	Drop                   // drop this frame (counted as Dropped)
	Pass                   // deliver it, skipping the random model
)

// Config sets up a Lab.
type Config struct {
	Link Link
	Seed int64     // every random choice of the link comes from this seed
	Pcap io.Writer // when set, every frame is written as pcap (raw IPv4 link type)
}

// Lab is a running virtual network.
type Lab struct{}

// Host is one end of the lab. It implements netx.Network.
type Host struct{}

var errStub = errors.New("lab: not implemented yet")

// New starts a lab.
func New(cfg Config) (*Lab, error) { return nil, errStub }

// Client is the host at ClientAddr, named "client.test".
func (l *Lab) Client() *Host { return nil }

// Server is the host at ServerAddr, named "server.test".
func (l *Lab) Server() *Host { return nil }

// AddTap calls fn for every frame, in order, after its fate is decided.
// fn must not block for long. The returned func removes the tap.
func (l *Lab) AddTap(fn func(Frame)) (remove func()) { return func() {} }

// SetRule installs (or with nil removes) a rule consulted for every frame
// before the random model: demos use it to drop one chosen packet.
func (l *Lab) SetRule(rule func(Frame) Verdict) {}

// Stats counts what the link did so far.
func (l *Lab) Stats() Stats { return Stats{} }

// Close stops both stacks and flushes the pcap writer.
func (l *Lab) Close() error { return nil }

// Stats counts frames by direction and fate.
type Stats struct {
	Frames     [2]int // by Direction
	Bytes      [2]int64
	Dropped    [2]int
	Duplicated [2]int
	Reordered  [2]int
}

// Addresses from RFC 5737 TEST-NET-1: they exist only inside the process.
var (
	ClientAddr = netip.MustParseAddr("192.0.2.1")
	ServerAddr = netip.MustParseAddr("192.0.2.2")
)

// Name is "client.test" or "server.test" (RFC 6761 reserves .test).
func (h *Host) Name() string { return "" }

// Addr is the host's IPv4 address.
func (h *Host) Addr() netip.Addr { return netip.Addr{} }

// Dial connects to address ("192.0.2.2:80" or "server.test:80") on "tcp" or "udp".
func (h *Host) Dial(ctx context.Context, network, address string) (net.Conn, error) {
	return nil, errStub
}

// Listen announces on "tcp"; the host part may be empty, the host's address, or its name.
func (h *Host) Listen(ctx context.Context, network, address string) (net.Listener, error) {
	return nil, errStub
}

// ListenPacket announces on "udp".
func (h *Host) ListenPacket(ctx context.Context, network, address string) (net.PacketConn, error) {
	return nil, errStub
}
