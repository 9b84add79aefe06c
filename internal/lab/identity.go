package lab

import (
	"encoding/binary"

	"github.com/netdemo/netdemo/internal/netx"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// A frame's fate is a function of the seed and the frame's identity: what
// the frame is (this flow's 37th UDP datagram, the first transmission of
// the segment at relative sequence 14481 with 1448 bytes), not where it
// happens to stand in the link's queue. Counting frames in queue order would
// let timing leak into every fate: one more delayed ACK on the line, and
// every UDP datagram after it would meet the draw meant for its
// predecessor. Keyed by identity, a UDP datagram and the first
// transmission of a TCP segment meet the same fate run after run, whatever
// else shares the link.

// frameKind says which fields of a frameID are set.
type frameKind uint8

const (
	kindOther    frameKind = iota // not TCP or UDP, or not parseable: the n-th such frame between two addresses
	kindUDP                       // the n-th datagram of a UDP flow
	kindTCPData                   // a TCP segment that occupies sequence space (data, SYN or FIN)
	kindTCPAck                    // a TCP segment that does not: a pure ACK, a window update, a reset
	kindFragment                  // an IP fragment: the n-th fragment between two addresses, for one protocol
)

// frameID is what the link knows a frame by. It holds no pointers, so
// building one costs nothing on the hot path.
type frameID struct {
	flow flowKey   // addresses and ports as the frame carries them (so the direction too)
	kind frameKind //
	// For kindTCPData: the sequence number relative to the sender's ISN, and
	// the payload length with the SYN and FIN flags. For kindTCPAck: the
	// relative sequence and acknowledgment numbers. For the others, a is the
	// ordinal within the flow.
	a, b uint32
	// For kindTCPData the transmission (1 for the first); for kindTCPAck
	// how many identical ACKs came before (duplicate ACKs); else 0.
	n uint32
}

// endpoint is one side of a flow.
type endpoint struct {
	addr [4]byte
	port uint16
}

// flowKey is a flow as one frame sees it: from src to dst.
type flowKey struct {
	src, dst endpoint
	proto    uint8
}

// connKey is the same flow whichever way the frame went: its endpoints in
// a fixed order, so that both directions of a TCP connection share a conn.
type connKey struct {
	lo, hi endpoint
	proto  uint8
}

func (k flowKey) conn() (ck connKey, half int) {
	if less(k.dst, k.src) {
		return connKey{lo: k.dst, hi: k.src, proto: k.proto}, 1
	}
	return connKey{lo: k.src, hi: k.dst, proto: k.proto}, 0
}

func less(a, b endpoint) bool {
	x, y := binary.BigEndian.Uint32(a.addr[:]), binary.BigEndian.Uint32(b.addr[:])
	if x != y {
		return x < y
	}
	return a.port < b.port
}

// conn is what the link remembers of one flow, both directions.
type conn struct {
	half [2]halfConn // [0] for frames from connKey.lo to connKey.hi
}

// halfConn is one direction of a flow.
type halfConn struct {
	n uint32 // frames counted so far (UDP datagrams, fragments, other)

	// TCP. Sequence numbers are taken relative to the ISN because gVisor,
	// like Linux (RFC 6528), adds a clock to the ISN: the raw numbers
	// differ from run to run, the relative ones do not.
	known   bool   // isn is set (from the SYN, or from the first segment seen)
	isn     uint32 //
	sent    uint32 // relative sequence just past the highest byte sent so far (SND.MAX)
	lastSeq uint32 // the last pure ACK's relative numbers, to count duplicates
	lastAck uint32
	dups    uint32
	retx    map[segment]uint32 // transmissions so far of each retransmitted segment; nil until one is
}

// segment is a TCP segment within one direction of a flow.
type segment struct {
	seq, lenFlags uint32
}

// maxRetransmitted bounds halfConn.retx: past it the counts start over,
// which only makes a later retransmission of an old segment count as a
// second transmission again. A demo never gets near it.
const maxRetransmitted = 1 << 16

// flowTable is the link's memory of flows, guarded by Lab.mu. It grows by
// one entry per flow (not per frame), so a frame of a known flow costs one
// map lookup and no allocation.
type flowTable struct {
	conns map[connKey]*conn
	junk  [2]uint32 // frames that are not IPv4, by direction
	// The flow of the last frame, by direction: a bulk transfer finds its
	// flow here without hashing the key.
	lastKey  [2]connKey
	lastConn [2]*conn
}

// peekSize is how many bytes of a frame identify it: the longest IPv4
// header and the TCP header up to its flags.
const peekSize = header.IPv4MaximumHeaderSize + 14

// identify returns the identity of a frame sent in direction d whose first
// bytes are hdr (all of the frame if it is shorter than peekSize), and
// updates the flow's state. It must see every frame of the link, once, in
// order, whatever fate it then meets.
func (t *flowTable) identify(d netx.Direction, hdr []byte) frameID {
	ip := header.IPv4(hdr)
	if len(hdr) < header.IPv4MinimumSize || ip.HeaderLength() < header.IPv4MinimumSize || int(ip.HeaderLength()) > len(hdr) {
		t.junk[d]++
		return frameID{kind: kindOther, a: t.junk[d], b: uint32(d) + 1}
	}
	var fk flowKey
	fk.src.addr = ip.SourceAddress().As4()
	fk.dst.addr = ip.DestinationAddress().As4()
	fk.proto = ip.Protocol()
	l4 := hdr[ip.HeaderLength():]

	kind := kindOther
	switch {
	case ip.More() || ip.FragmentOffset() != 0:
		kind = kindFragment
	case fk.proto == uint8(header.UDPProtocolNumber) && len(l4) >= header.UDPMinimumSize:
		kind = kindUDP
	case fk.proto == uint8(header.TCPProtocolNumber) && len(l4) >= 14:
		kind = kindTCPData // or kindTCPAck, decided below
	}
	if kind == kindUDP || kind == kindTCPData {
		fk.src.port = binary.BigEndian.Uint16(l4[0:])
		fk.dst.port = binary.BigEndian.Uint16(l4[2:])
	}
	ck, side := fk.conn()
	c := t.lastConn[d]
	if c == nil || t.lastKey[d] != ck {
		if c = t.conns[ck]; c == nil {
			if t.conns == nil {
				t.conns = make(map[connKey]*conn)
			}
			c = &conn{}
			t.conns[ck] = c
		}
		t.lastKey[d], t.lastConn[d] = ck, c
	}
	h, peer := &c.half[side], &c.half[1-side]
	id := frameID{flow: fk, kind: kind}
	if kind != kindTCPData {
		h.n++
		id.a = h.n
		return id
	}

	tcp := header.TCP(l4)
	flags := tcp.Flags()
	seq := tcp.SequenceNumber()
	payload := int(ip.PayloadLength()) - int(tcp.DataOffset())
	if payload < 0 || int(tcp.DataOffset()) < header.TCPMinimumSize {
		payload = 0
	}
	if flags.Contains(header.TCPFlagSyn) && (!h.known || seq != h.isn) {
		*h = halfConn{known: true, isn: seq} // a new connection on this 4-tuple
	}
	if !h.known { // the link joined mid-connection: count from here
		*h = halfConn{known: true, isn: seq - 1}
	}
	rel := seq - h.isn
	span := uint32(payload)
	if flags.Contains(header.TCPFlagSyn) {
		span++
	}
	if flags.Contains(header.TCPFlagFin) {
		span++
	}

	if span == 0 {
		id.kind = kindTCPAck
		var ack uint32
		if flags.Contains(header.TCPFlagAck) && peer.known {
			ack = tcp.AckNumber() - peer.isn
		}
		if rel == h.lastSeq && ack == h.lastAck {
			h.dups++
		} else {
			h.lastSeq, h.lastAck, h.dups = rel, ack, 0
		}
		id.a, id.b, id.n = rel, ack, h.dups
		if flags.Contains(header.TCPFlagRst) {
			id.n |= 1 << 31
		}
		return id
	}

	id.a = rel
	id.b = uint32(payload)<<8 | uint32(flags&(header.TCPFlagSyn|header.TCPFlagFin))
	if end := rel + span; int32(end-h.sent) > 0 {
		h.sent = end // new sequence space: a first transmission
		id.n = 1
		return id
	}
	if h.retx == nil || len(h.retx) >= maxRetransmitted {
		h.retx = make(map[segment]uint32)
	}
	s := segment{seq: id.a, lenFlags: id.b}
	h.retx[s]++
	id.n = 1 + h.retx[s]
	return id
}
