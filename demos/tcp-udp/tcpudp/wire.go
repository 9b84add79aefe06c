package tcpudp

import (
	"fmt"
	"github.com/netdemo/netdemo/internal/netx"
	"sync"
	"time"

	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/packet"
)

// seen is one frame the lab's tap reported, decoded.
type seen struct {
	N    int
	At   time.Time
	Dir  netx.Direction
	Fate lab.Fate
	Pkt  packet.Packet
}

// wire records every TCP and UDP frame the lab's link carries. Everything
// the demo says about packets (the handshake, retransmissions, header bytes)
// is computed from this record, not from what the stacks were supposed to
// do.
type wire struct {
	mu     sync.Mutex
	frames []seen
	bad    int // frames that did not decode (none expected)
}

// decodeFrame decodes one frame with internal/packet and keeps only what
// this demo compares: TCP and UDP. Anything else counts as a frame that did
// not decode (the lab carries none).
func decodeFrame(b []byte) (packet.Packet, error) {
	p, err := packet.Decode(b)
	if err != nil {
		return p, err
	}
	if p.Proto != packet.TCP && p.Proto != packet.UDP {
		return p, fmt.Errorf("IP protocol %d is neither TCP nor UDP", p.Proto)
	}
	return p, nil
}

// tap is the lab tap: it runs under the lab's lock, so it only decodes and
// appends.
func (w *wire) tap(f lab.Frame) {
	p, err := decodeFrame(f.Data)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.bad++
		return
	}
	w.frames = append(w.frames, seen{N: f.N, At: f.At, Dir: f.Dir, Fate: f.Fate, Pkt: p})
}

// snapshot returns the frames so far.
func (w *wire) snapshot() []seen {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]seen(nil), w.frames...)
}

// waitFor polls until some frame satisfies ok or the timeout passes. The tap
// sees a frame when the stack sends it, which may be a moment after the
// socket call that caused it returned.
func (w *wire) waitFor(timeout time.Duration, ok func(seen) bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		for _, f := range w.snapshot() {
			if ok(f) {
				return true
			}
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
}

// flow selects the frames between the client's port and the server's port,
// both directions, of one protocol.
func flow(frames []seen, proto int, clientPort, serverPort uint16) []seen {
	var out []seen
	for _, f := range frames {
		p := f.Pkt
		if p.Proto != proto {
			continue
		}
		if (f.Dir == netx.ClientToServer && p.SrcPort == clientPort && p.DstPort == serverPort) ||
			(f.Dir == netx.ServerToClient && p.SrcPort == serverPort && p.DstPort == clientPort) {
			out = append(out, f)
		}
	}
	return out
}

// seqBefore compares TCP sequence numbers in serial-number arithmetic
// (RFC 1982): they wrap at 2^32.
func seqBefore(a, b uint32) bool { return int32(a-b) < 0 }

// retransmissions counts the TCP segments carrying data whose sequence
// range starts below data already sent in the same direction: the sender
// is sending those bytes again. Frames the link dropped count too — the
// sender did send them. SYN and FIN each take one sequence number.
func retransmissions(frames []seen) int {
	type key struct {
		dir      netx.Direction
		src, dst uint16
	}
	sentUpTo := map[key]uint32{}
	n := 0
	for _, f := range frames {
		p := f.Pkt
		if p.Proto != packet.TCP {
			continue
		}
		k := key{f.Dir, p.SrcPort, p.DstPort}
		end := p.SeqEnd() // SYN and FIN count as one
		if end == p.Seq {
			continue // a pure ACK sends no new sequence space
		}
		top, ok := sentUpTo[k]
		if ok && len(p.Payload) > 0 && seqBefore(p.Seq, top) {
			n++
		}
		if !ok || seqBefore(top, end) {
			sentUpTo[k] = end
		}
	}
	return n
}

// wireCount is what one protocol put on the link for the messages.
type wireCount struct {
	Frames       int    // packets, both directions, including dropped ones
	Bytes        int    // IP packets' total length: the bytes on the wire
	PayloadBytes int    // application bytes in them (retransmissions included)
	Dropped      int    // data-carrying frames the link dropped
	HeaderBytes  int    // transport header of the first data frame: TCP 20+options, UDP 8
	IPHeader     int    // IPv4 header of that frame
	Options      string // names of that frame's TCP options ("" for none or UDP)
	DataFrames   int    // frames carrying payload
	PureACKs     int    // server → client TCP frames with only the ACK flag and no data
}

func countWire(frames []seen) wireCount {
	var c wireCount
	for _, f := range frames {
		c.Frames++
		c.Bytes += f.Pkt.Total
		c.PayloadBytes += len(f.Pkt.Payload)
		if f.Dir == netx.ServerToClient && f.Pkt.Proto == packet.TCP && len(f.Pkt.Payload) == 0 && f.Pkt.Flags == packet.ACK {
			c.PureACKs++
		}
		if len(f.Pkt.Payload) > 0 {
			c.DataFrames++
			if f.Fate == lab.Dropped {
				c.Dropped++
			}
			if c.HeaderBytes == 0 {
				c.HeaderBytes, c.IPHeader = f.Pkt.L4Header, f.Pkt.IPHeader
				if len(f.Pkt.Options) > 0 {
					c.Options = optionNames(f.Pkt.Options)
				}
			}
		}
	}
	return c
}
