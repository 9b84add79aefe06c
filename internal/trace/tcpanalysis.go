package trace

import "time"

// This file follows Wireshark's tcp_analyze_sequence_number
// (epan/dissectors/packet-tcp.c) rule by rule, so that our expert labels
// match what tshark prints for the same capture. The comments name each
// rule as Wireshark does. The rules are those of Wireshark 3.6 to 4.0 (the
// tshark of Debian 12 and Ubuntu 22.04/24.04): later versions test for a
// spurious retransmission before fast retransmission and out-of-order, and
// flag "ACKed unseen segment" once per gap instead of once per ACK burst.

// tcpResult is what the analysis says about one segment.
type tcpResult struct {
	labels   label
	relSeq   uint32
	relAck   uint32
	window   uint32 // calculated window (scaled), as tshark's Win=
	dupFrame int    // for "[TCP Dup ACK frame#num]"
	dupNum   int
	origTS   int64 // when a retransmitted segment was first seen
	hasOrig  bool
	lostFrom uint32 // relative first byte of a gap ("previous segment not captured")
	twice    bool   // same IP ID and TCP header as the previous segment this way
	twiceGap int64  // ns since that segment
}

// segSig is what tells the same packet captured twice from a
// retransmission: a retransmitted segment gets a new IP ID (and, with
// timestamps, a new TSval), a second copy of the same packet does not.
type segSig struct {
	valid        bool
	ipID         uint16
	seq, ack     uint32
	flags        uint16
	win          uint16
	seglen       int
	tsval, tsecr uint32
	ts           int64
	noTime       bool
}

func sigOf(f *frame) segSig {
	return segSig{valid: true, ipID: f.ipID, seq: f.seq, ack: f.ack, flags: f.flags, win: f.win,
		seglen: f.seglen, tsval: f.opts.tsval, tsecr: f.opts.tsecr, ts: f.ts, noTime: f.noTime}
}

func (s *segSig) same(t *segSig) bool {
	return s.valid && t.valid && s.ipID == t.ipID && s.seq == t.seq && s.ack == t.ack &&
		s.flags == t.flags && s.win == t.win && s.seglen == t.seglen && s.tsval == t.tsval && s.tsecr == t.tsecr
}

func durationNS(ns int64) time.Duration { return time.Duration(ns) }

// Sequence-space comparisons that survive wrap-around.
func seqLT(a, b uint32) bool { return int32(a-b) < 0 }
func seqGT(a, b uint32) bool { return int32(a-b) > 0 }
func seqLE(a, b uint32) bool { return int32(a-b) <= 0 }

const (
	fastRetransWindow = 20e6 // ns: a retransmission this soon after dup ACKs is "fast"
	defaultOOOThresh  = 3e6  // ns: out-of-order threshold before the iRTT is known
	// minRetransmitGap is Linux's smallest retransmission timeout
	// (TCP_RTO_MIN, 200 ms; RFC 6298 §2.4 says 1 s): an identical packet
	// sooner than that was captured twice, not sent twice.
	minRetransmitGap = 200e6
)

// analyzeTCP updates fl for segment f travelling in direction dir and
// returns the labels and relative numbers for it.
func analyzeTCP(fl *flow, dir int, f *frame, r *tcpResult) {
	fwd, rev := &fl.h[dir], &fl.h[1-dir]
	seq, ack, flags := f.seq, f.ack, f.flags
	seglen := uint32(f.seglen)
	win := uint32(f.win)
	ts := f.ts
	const sfr = flagSYN | flagFIN | flagRST

	// Base sequence numbers: the ISN from a SYN, otherwise seq-1 so that
	// relative numbers still start at 1; the reverse ISN from the ACK.
	if !fwd.baseSet {
		fwd.base = seq - 1
		if flags&flagSYN != 0 {
			fwd.base = seq
		}
		fwd.baseSet = true
	}
	if !rev.baseSet && flags&flagACK != 0 {
		rev.base, rev.baseSet = ack-1, true
	}

	// Initial RTT: from the most recent SYN to the first ACK without SYN.
	if flags&(flagSYN|flagACK) == flagACK && fl.sawSyn && fl.firstRTT == 0 {
		fl.firstRTT = max(ts-fl.synTime, 1)
	}
	if flags&(flagSYN|flagACK) == flagSYN {
		fl.synTime, fl.sawSyn = ts, true
	}

	// Window scaling is agreed in the SYN and SYN/ACK: both must carry it.
	if flags&flagSYN != 0 {
		if f.opts.hasWS {
			fwd.winScale = int8(f.opts.ws)
		}
		if fwd.winScale == -1 {
			fwd.winScale, rev.winScale = -2, -2
		} else if flags&flagACK != 0 && rev.winScale == -2 {
			fwd.winScale = -2
		}
	}

	// The same packet captured twice: identical headers, and too soon for
	// any retransmission timer (a SYN/ACK without timestamps repeats its
	// IP ID 0, but a retransmission of it comes a second later).
	sig := sigOf(f)
	if sig.same(&fwd.last) {
		gap := int64(-1)
		if !f.noTime && !fwd.last.noTime {
			gap = ts - fwd.last.ts
		}
		if gap < minRetransmitGap {
			r.twice, r.twiceGap = true, gap
		}
	}
	fwd.last = sig

	var l label
	// ZERO WINDOW PROBE: one byte at the next expected sequence number
	// while the other side advertises a zero window.
	if seglen == 1 && seq == fwd.nextSeq && rev.window == 0 {
		l |= lblZeroWindowProbe
		goto finishedFwd
	}

	// ZERO WINDOW
	if win == 0 && flags&sfr == 0 {
		l |= lblZeroWindow
	}

	// LOST PACKET: this segment starts beyond what we have seen.
	if fwd.nextSeq != 0 && seqGT(seq, fwd.nextSeq) && flags&flagRST == 0 {
		l |= lblLostSegment
		r.lostFrom = fwd.nextSeq - fwd.base
	}

	// KEEP ALIVE: 0 or 1 byte, one before the next expected sequence number.
	if seglen <= 1 && seq == fwd.nextSeq-1 && flags&sfr == 0 {
		l |= lblKeepAlive
	}

	// WINDOW UPDATE: no data, same seq and ack, a new window.
	if seglen == 0 && win != 0 && win != fwd.window && seq == fwd.nextSeq &&
		ack == fwd.lastAck && flags&sfr == 0 {
		l |= lblWindowUpdate
	}

	// WINDOW FULL: data that reaches exactly the edge of the other side's window.
	if seglen > 0 && rev.winScale != -1 && flags&sfr == 0 {
		shift := uint(0)
		if rev.winScale > 0 {
			shift = uint(rev.winScale)
		}
		if seq+seglen == rev.lastAck+(rev.window<<shift) {
			l |= lblWindowFull
		}
	}

	// KEEP ALIVE ACK: repeats the last ACK right after a keep-alive.
	if seglen == 0 && win != 0 && win == fwd.window && seq == fwd.nextSeq &&
		ack == fwd.lastAck && rev.lastLabels&lblKeepAlive != 0 && flags&sfr == 0 {
		l |= lblKeepAliveACK
		goto finishedFwd
	}

	// ZERO WINDOW PROBE ACK
	if seglen == 0 && win == 0 && win == fwd.window && seq == fwd.nextSeq &&
		ack == fwd.lastAck && rev.lastLabels&lblZeroWindowProbe != 0 && flags&sfr == 0 {
		l |= lblZeroWindowProbeACK
		goto finishedFwd
	}

	// DUPLICATE ACK: no data, same window, seq and ack as the last segment.
	if seglen == 0 && win != 0 && win == fwd.window && seq == fwd.nextSeq &&
		ack == fwd.lastAck && flags&sfr == 0 {
		fwd.dupAckNum++
		l |= lblDupACK
		r.dupNum, r.dupFrame = fwd.dupAckNum, fwd.lastNonDup
	}

finishedFwd:
	if ack != fwd.lastAck {
		fwd.lastNonDup = f.num
		fwd.dupAckNum = 0
	}

	// ACKED LOST PACKET: acknowledges bytes the other side never showed us.
	if rev.maxSeqToAck != 0 && seqGT(ack, rev.maxSeqToAck) && flags&flagACK != 0 {
		l |= lblAckedUnseen
		rev.maxSeqToAck = rev.nextSeq // say it once per gap
	}

	// RETRANSMISSION / FAST RETRANSMISSION / OUT-OF-ORDER: the segment
	// carries data (or SYN/FIN) but does not advance the sequence number.
	if seglen > 0 || flags&(flagSYN|flagFIN) != 0 {
		notAdvanced := fwd.nextSeq != 0 && seqLT(seq, fwd.nextSeq)
		if l&lblKeepAlive != 0 {
			goto finishedRetrans
		}
		// More than one byte starting one before nextSeq follows a
		// zero-window probe: new data, not a retransmission.
		if seglen > 1 && fwd.nextSeq-1 == seq {
			notAdvanced = false
		}
		// FAST: at least two duplicate ACKs asked for exactly this
		// segment, less than 20 ms ago.
		if notAdvanced && rev.dupAckNum >= 2 && rev.lastAck == seq && ts-rev.lastAckTime < fastRetransWindow {
			l |= lblFastRetransmission
			goto finishedRetrans
		}
		// OUT-OF-ORDER: came soon (within the iRTT) after the highest
		// segment, and does not end where that one ends (a SYN or FIN
		// counts for one sequence number, so a repeated SYN or FIN
		// without data is a retransmission).
		thresh := int64(defaultOOOThresh)
		if fl.firstRTT != 0 {
			thresh = fl.firstRTT
		}
		end := seq + seglen
		if flags&(flagSYN|flagFIN) != 0 {
			end++
		}
		if notAdvanced && ts-fwd.nextSeqTime < thresh && fwd.nextSeq != end {
			l |= lblOutOfOrder
			goto finishedRetrans
		}
		// SPURIOUS: every byte was already acknowledged.
		if seglen > 0 && rev.lastAck != 0 && seqLE(seq+seglen, rev.lastAck) {
			l |= lblSpuriousRetransmission
			goto finishedRetrans
		}
		if notAdvanced {
			l |= lblRetransmission
		}
	}

finishedRetrans:
	if l&lblAnyRetransmission != 0 {
		r.origTS, r.hasOrig = fwd.sentSegments.find(seq)
		if !r.hasOrig {
			r.origTS, r.hasOrig = fwd.nextSeqTime, fwd.nextSeq != 0
		}
	}
	next := seq + seglen
	if flags&(flagSYN|flagFIN) != 0 {
		next++
	}
	if (seglen > 0 || flags&(flagSYN|flagFIN) != 0) && l&(lblAnyRetransmission|lblOutOfOrder) == 0 {
		fwd.sentSegments.add(seq, ts)
	}
	// Remember the highest sequence number seen, to spot holes.
	if seqGT(next, fwd.nextSeq) || fwd.nextSeq == 0 {
		if l&lblZeroWindowProbe == 0 {
			fwd.nextSeq, fwd.nextSeqTime = next, ts
		}
	}
	// Remember the highest contiguous sequence number, to spot ACKs of
	// bytes we never saw.
	if seq == fwd.maxSeqToAck || fwd.maxSeqToAck == 0 {
		if l&lblZeroWindowProbe == 0 {
			fwd.maxSeqToAck = fwd.nextSeq
		}
	}
	fwd.window = win
	fwd.lastAck = ack
	fwd.lastAckTime = ts
	fwd.lastLabels = l

	r.labels = l
	r.relSeq = seq - fwd.base
	if flags&flagACK != 0 {
		r.relAck = ack - rev.base
	}
	r.window = win
	if flags&flagSYN == 0 && fwd.winScale >= 0 {
		r.window = win << uint(fwd.winScale)
	}
}
