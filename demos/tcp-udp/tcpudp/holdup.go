package tcpudp

import (
	"slices"
	"time"

	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/tap"

	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/packet"
)

// holdup splits the latency of each TCP message into where it was spent,
// from the frames the tap saw:
//
//	write() ──sender──▶ last byte on the wire ──RTT/2──▶ complete at the server ──behind──▶ readable
//
// "sender" is time the bytes waited before the copy that arrived was sent:
// queued behind a full congestion window, or lost and sent again. "behind"
// is time the message sat complete in the server's receive buffer while an
// earlier message was still incomplete: head-of-line blocking. It is
// computed from the wire timeline alone (the latest completion of any
// earlier message, minus this message's own), so a busy CPU delaying the
// reader does not count as blocking. UDP has no "behind": a datagram is
// readable the moment it arrives.
type holdup struct {
	Sender  []time.Duration // per delivered message
	Behind  []time.Duration // per delivered message
	Blocked int             // messages that waited behind a gap longer than blockedAfter
}

// blockedAfter is the wait in the receive buffer that counts as head-of-line
// blocking: repairing a gap takes about a round trip, far more than the
// scheduling noise of a busy machine.
func blockedAfter(link lab.Link) time.Duration {
	return max(5*time.Millisecond, link.RTT/4)
}

// arrival is when a frame reached the other host: sent plus the one-way
// delay, plus the lab's documented hold for a reordered frame (half the
// one-way delay, at least 1 ms). Jitter and the rate limit are not known per
// frame and are not counted.
func arrival(f tap.Frame, link lab.Link) time.Time {
	t := f.At.Add(link.RTT / 2)
	if f.Fate == lab.Reordered {
		t = t.Add(max(time.Millisecond, link.RTT/4))
	}
	return t
}

// splitTCP computes the holdup of n messages of msgSize bytes sent on the
// TCP flow whose client ISN is isn, given when each was written and read.
func splitTCP(frames []tap.Frame, isn uint32, n int, link lab.Link, writeAt, readAt []time.Time) holdup {
	type hit struct {
		at         time.Time
		start, end int64 // byte offsets in the stream
	}
	var hits []hit
	total := int64(n) * msgSize
	for _, f := range frames {
		p := f.Pkt
		if f.Dir != netx.ClientToServer || p.Proto != packet.TCP || len(p.Payload) == 0 || f.Fate == lab.Dropped {
			continue
		}
		start := int64(p.Seq - (isn + 1)) // the SYN took one sequence number
		end := start + int64(len(p.Payload))
		if start < 0 || start >= total {
			continue
		}
		hits = append(hits, hit{arrival(f, link), start, min(end, total)})
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return a.at.Compare(b.at) })

	// covered[k] has one bit per byte of message k; complete[k] is when the
	// last of them arrived.
	covered := make([][2]uint64, n)
	complete := make([]time.Time, n)
	for _, h := range hits {
		for k := h.start / msgSize; k <= (h.end-1)/msgSize && k < int64(n); k++ {
			if !complete[k].IsZero() {
				continue
			}
			lo := max(h.start, k*msgSize) - k*msgSize
			hi := min(h.end, (k+1)*msgSize) - k*msgSize
			for b := lo; b < hi; b++ {
				covered[k][b/64] |= 1 << (b % 64)
			}
			if full(covered[k]) {
				complete[k] = h.at
			}
		}
	}

	var hu holdup
	limit := blockedAfter(link)
	var before time.Time // the latest completion of messages 0..k-1
	for k := range n {
		if complete[k].IsZero() || k >= len(writeAt) || k >= len(readAt) || readAt[k].IsZero() {
			break // TCP delivers in order: nothing after a missing message was read
		}
		behind := max(before.Sub(complete[k]), 0)
		sender := max(complete[k].Sub(writeAt[k])-link.RTT/2, 0)
		hu.Sender = append(hu.Sender, sender)
		hu.Behind = append(hu.Behind, behind)
		if behind > limit {
			hu.Blocked++
		}
		if complete[k].After(before) {
			before = complete[k]
		}
	}
	return hu
}

// The coverage bitset holds one message: more than 64 bytes, at most 128.
var (
	_ [msgSize - 65]struct{}
	_ [128 - msgSize]struct{}
)

// full reports whether all msgSize bits are set.
func full(b [2]uint64) bool {
	const rest = msgSize - 64
	return b[0] == ^uint64(0) && b[1] == (uint64(1)<<rest)-1
}

// maxMS is the largest duration in milliseconds (0 for none).
func maxMS(ds []time.Duration) float64 {
	var m time.Duration
	for _, d := range ds {
		m = max(m, d)
	}
	return roundMS(m)
}
