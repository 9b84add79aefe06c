package tcplife

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"slices"
	"time"

	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/packet"
)

// The congestion experiment: one bulk transfer for ccRounds round trips,
// with exactly one data segment dropped, the dropAt-th the client sends.
const (
	ccRounds = 12
	dropAt   = 100
	ccPort   = 82
)

// ccRun is one algorithm's transfer as the tap saw it.
type ccRun struct {
	Algorithm string
	Flight    []int // most bytes in flight during each round trip
	LossRound int   // the round in which the dropped segment was sent; -1 if none
	Recovered int   // the round in which its retransmission was acknowledged; -1 if not
	Before    int   // most bytes in flight until the loss was repaired
	After     int   // bytes in flight after the repair: the median of the next three rounds
	Cut       float64
	MSS       int
	// Resent counts data segments the client sent again (all their bytes
	// sent before): 1 when only the dropped segment was repaired; more when
	// a timer fired spuriously, on a loaded machine.
	Resent int
	// Drops counts the client's data segments the link dropped: 1, the
	// chosen one, unless --loss adds random losses.
	Drops int
	// MinRwnd is the smallest receive window the server advertised during
	// the transfer, scaled: when it stays above Flight, the receiver never
	// limited the sender; the congestion window did.
	MinRwnd int
}

// observeCongestion runs the transfer on l, whose client uses algorithm.
func observeCongestion(ctx context.Context, l *lab.Lab, algorithm string) (ccRun, error) {
	out := ccRun{Algorithm: algorithm, LossRound: -1, Recovered: -1}
	if err := setCongestion(l.Client(), algorithm); err != nil {
		return out, err
	}
	w := &recorder{}
	remove := l.AddTap(w.tap)
	defer remove()
	data := 0
	l.SetRule(func(f lab.Frame) lab.Verdict {
		if f.Dir != netx.ClientToServer {
			return lab.Default
		}
		p, err := packet.Decode(f.Data)
		if err != nil || len(p.Payload) == 0 {
			return lab.Default
		}
		data++
		if data == dropAt {
			l.SetRule(nil)
			return lab.Drop
		}
		return lab.Default
	})
	defer l.SetRule(nil)

	ln, err := l.Server().Listen(ctx, "tcp", fmt.Sprintf(":%d", ccPort))
	if err != nil {
		return out, fmt.Errorf("listening on the lab server: %w", err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		io.Copy(io.Discard, c)
	}()
	c, err := l.Client().Dial(ctx, "tcp", net.JoinHostPort(lab.ServerName, fmt.Sprint(ccPort)))
	if err != nil {
		return out, fmt.Errorf("connecting across the lab: %w", err)
	}
	rtt := l.Link().RTT
	// The writer always has more to send than the window allows; the
	// transfer is cut by closing the socket once the tap has seen ccRounds
	// whole round trips (counted, not timed: a busy machine stretches
	// them), or after a few seconds whatever it saw.
	go func() {
		buf := make([]byte, 256<<10)
		for {
			if _, err := c.Write(buf); err != nil {
				return
			}
		}
	}()
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(rtt)
		var seenSoFar ccRun
		flightPerRound(&seenSoFar, w.snapshot(), rtt, ccRounds+1)
		if len(seenSoFar.Flight) > ccRounds {
			break
		}
	}
	c.Close()
	flightPerRound(&out, w.snapshot(), rtt, ccRounds)
	return out, ctx.Err()
}

// flightPerRound infers bytes in flight from the tap, as the client saw
// them: the highest byte it has sent, minus the highest the server has
// acknowledged, minus what the server's SACK blocks say arrived beyond a
// hole. The tap sees an ACK as the server sends it; it reaches the client
// half a round trip later, and is counted then. With no rate limit on the
// link the sender is ACK-clocked and sends in bursts, one per round trip: a
// round begins with the first data segment sent at least 3/4 of an RTT
// after the previous round began (anchored on the bursts, so that timer
// latency cannot drift a fixed grid across them), and keeps the most bytes
// it had in flight.
//
// It keeps the first limit rounds.
func flightPerRound(out *ccRun, frames []seen, rtt time.Duration, limit int) {
	type ev struct {
		at time.Time
		f  seen
	}
	evs := make([]ev, 0, len(frames))
	for _, f := range frames {
		at := f.At
		if f.Dir == netx.ServerToClient {
			at = at.Add(rtt / 2)
		}
		evs = append(evs, ev{at, f})
	}
	slices.SortStableFunc(evs, func(a, b ev) int { return a.at.Compare(b.at) })

	var sndMax, ackMax, lostSeq uint32
	var roundStart time.Time
	sacked, scale := 0, 0
	started, lost := false, false
	round := 0
	for _, e := range evs {
		p := e.f.Pkt
		if e.f.Dir == netx.ClientToServer {
			if p.Flags.Has(packet.SYN) {
				if o := p.ParseOptions(); o.MSS > 0 {
					out.MSS = o.MSS
				}
				continue
			}
			if len(p.Payload) == 0 {
				continue
			}
			switch {
			case !started:
				started, sndMax, ackMax, roundStart = true, p.Seq, p.Seq, e.at
				out.Flight = append(out.Flight, 0)
			case e.at.Sub(roundStart) >= rtt*3/4:
				round++
				roundStart = e.at
				out.Flight = append(out.Flight, 0)
			}
			if e.f.Fate == lab.Dropped {
				out.Drops++
				if !lost {
					lost, lostSeq, out.LossRound = true, p.SeqEnd(), round
				}
			}
			if end := p.SeqEnd(); int32(end-sndMax) > 0 {
				sndMax = end
			} else {
				out.Resent++
			}
			if fl := int(sndMax-ackMax) - sacked; fl > out.Flight[round] {
				out.Flight[round] = fl
			}
			continue
		}
		if p.Flags.Has(packet.SYN) {
			scale = max(0, p.ParseOptions().WindowScale)
			continue
		}
		if !started || !p.Flags.Has(packet.ACK) || p.Flags.Has(packet.FIN) || p.Flags.Has(packet.RST) {
			continue
		}
		if w := int(p.Window) << scale; out.MinRwnd == 0 || w < out.MinRwnd {
			out.MinRwnd = w
		}
		if int32(p.Ack-ackMax) > 0 {
			ackMax = p.Ack
		}
		sacked = sackedAbove(p.Options, ackMax)
		if lost && out.Recovered < 0 && int32(ackMax-lostSeq) >= 0 {
			out.Recovered = round
		}
	}
	// Rounds after the limit are cut short by the close.
	if len(out.Flight) > limit {
		out.Flight = out.Flight[:limit]
	}
	for len(out.Flight) > 0 && out.Flight[len(out.Flight)-1] == 0 {
		out.Flight = out.Flight[:len(out.Flight)-1]
	}
	if out.LossRound < 0 || out.Recovered < 0 {
		return
	}
	for i := 0; i <= out.Recovered && i < len(out.Flight); i++ {
		out.Before = max(out.Before, out.Flight[i])
	}
	// After: the middle of the three rounds that follow the repair, so
	// that one burst split across two rounds by a late timer does not
	// read as a cut.
	if r := out.Recovered + 1; r < len(out.Flight) {
		next := slices.Clone(out.Flight[r:min(len(out.Flight), r+3)])
		slices.Sort(next)
		out.After = next[len(next)/2]
	}
	if out.Before > 0 {
		out.Cut = float64(out.After) / float64(out.Before)
	}
}

// sackedAbove adds up the bytes the SACK blocks in a segment's options
// (RFC 2018 §3) cover beyond ack.
func sackedAbove(opts []byte, ack uint32) int {
	n := 0
	for i := 0; i < len(opts); {
		kind := opts[i]
		if kind == 0 {
			break
		}
		if kind == 1 {
			i++
			continue
		}
		if i+1 >= len(opts) || opts[i+1] < 2 || i+int(opts[i+1]) > len(opts) {
			break
		}
		l := int(opts[i+1])
		if kind == 5 {
			for b := i + 2; b+8 <= i+l; b += 8 {
				left, right := binary.BigEndian.Uint32(opts[b:]), binary.BigEndian.Uint32(opts[b+4:])
				if int32(left-ack) >= 0 && int32(right-left) > 0 {
					n += int(right - left)
				}
			}
		}
		i += l
	}
	return n
}
