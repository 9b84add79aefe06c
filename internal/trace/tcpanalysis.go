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
	s := seqAnalysis{
		fl: fl, fwd: &fl.h[dir], rev: &fl.h[1-dir], f: f, r: r,
		seq: f.seq, ack: f.ack, seglen: uint32(f.seglen), win: uint32(f.win), flags: f.flags, ts: f.ts,
	}
	s.trackBases()
	s.trackInitialRTT()
	s.trackWindowScale()
	s.detectCapturedTwice()
	s.applyRules()
	s.remember()
	s.fillResult()
}

// seqAnalysis is one segment under analysis (named for Wireshark's
// tcp_analyze_sequence_number): its frame, the two halves of
// its flow (fwd is the direction it travels), and the labels the rules
// have given it so far.
type seqAnalysis struct {
	fl       *flow
	fwd, rev *half
	f        *frame
	r        *tcpResult
	seq, ack uint32
	seglen   uint32
	win      uint32 // as sent, not scaled
	flags    uint16
	ts       int64
	l        label
}

// sfr are the flags that exclude a segment from the window and keep-alive
// rules.
const sfr = flagSYN | flagFIN | flagRST

// applyRules runs the expert rules in the order Wireshark 4.0 applies them
// in tcp_analyze_sequence_number; this is the one place that order is
// written. A rule that reports true ends its group, as Wireshark's
// "goto finished_fwd" and "goto finished_checking_retransmission_type" do.
func (s *seqAnalysis) applyRules() {
	// What this segment says against what its direction sent before.
	if !s.zeroWindowProbe() {
		s.zeroWindow()
		s.lostSegment()
		s.keepAlive()
		s.windowUpdate()
		s.windowFull()
		if !s.keepAliveACK() && !s.zeroWindowProbeACK() {
			s.dupACK()
		}
	}
	s.ackAdvanced()

	// What it acknowledges of the other direction.
	s.ackedUnseen()

	// Whether it sends again what was sent before, and why.
	if !s.carriesSequence() || s.l&lblKeepAlive != 0 {
		return
	}
	notAdvanced := s.notAdvanced()
	if !s.fastRetransmission(notAdvanced) && !s.outOfOrder(notAdvanced) && !s.spuriousRetransmission() {
		s.retransmission(notAdvanced)
	}
}

// trackBases sets the base sequence numbers: the ISN from a SYN, otherwise
// seq-1 so that relative numbers still start at 1; the reverse ISN from
// the ACK.
func (s *seqAnalysis) trackBases() {
	if !s.fwd.baseSet {
		s.fwd.base = s.seq - 1
		if s.flags&flagSYN != 0 {
			s.fwd.base = s.seq
		}
		s.fwd.baseSet = true
	}
	if !s.rev.baseSet && s.flags&flagACK != 0 {
		s.rev.base, s.rev.baseSet = s.ack-1, true
	}
}

// trackInitialRTT measures the initial RTT: from the most recent SYN to
// the first ACK without SYN.
func (s *seqAnalysis) trackInitialRTT() {
	fl := s.fl
	if s.flags&(flagSYN|flagACK) == flagACK && fl.sawSyn && fl.firstRTT == 0 {
		fl.firstRTT = max(s.ts-fl.synTime, 1)
	}
	if s.flags&(flagSYN|flagACK) == flagSYN {
		fl.synTime, fl.sawSyn = s.ts, true
	}
}

// trackWindowScale follows window scaling, which is agreed in the SYN and
// SYN/ACK: both must carry the option.
func (s *seqAnalysis) trackWindowScale() {
	if s.flags&flagSYN == 0 {
		return
	}
	fwd, rev := s.fwd, s.rev
	if s.f.opts.hasWS {
		fwd.winScale = int8(s.f.opts.ws)
	}
	if fwd.winScale == -1 {
		fwd.winScale, rev.winScale = -2, -2
	} else if s.flags&flagACK != 0 && rev.winScale == -2 {
		fwd.winScale = -2
	}
}

// detectCapturedTwice spots the same packet captured twice: identical
// headers, and too soon for any retransmission timer (a SYN/ACK without
// timestamps repeats its IP ID 0, but a retransmission of it comes a
// second later).
func (s *seqAnalysis) detectCapturedTwice() {
	sig := sigOf(s.f)
	if sig.same(&s.fwd.last) {
		gap := int64(-1)
		if !s.f.noTime && !s.fwd.last.noTime {
			gap = s.ts - s.fwd.last.ts
		}
		if gap < minRetransmitGap {
			s.r.twice, s.r.twiceGap = true, gap
		}
	}
	s.fwd.last = sig
}

// zeroWindowProbe: one byte at the next expected sequence number while
// the other side advertises a zero window. It ends the first group.
func (s *seqAnalysis) zeroWindowProbe() bool {
	if s.seglen == 1 && s.seq == s.fwd.nextSeq && s.rev.window == 0 {
		s.l |= lblZeroWindowProbe
		return true
	}
	return false
}

// zeroWindow: the sender advertises a window of zero.
func (s *seqAnalysis) zeroWindow() {
	if s.win == 0 && s.flags&sfr == 0 {
		s.l |= lblZeroWindow
	}
}

// lostSegment ("previous segment not captured"): this segment starts
// beyond what we have seen.
func (s *seqAnalysis) lostSegment() {
	if s.fwd.nextSeq != 0 && seqGT(s.seq, s.fwd.nextSeq) && s.flags&flagRST == 0 {
		s.l |= lblLostSegment
		s.r.lostFrom = s.fwd.nextSeq - s.fwd.base
	}
}

// keepAlive: 0 or 1 byte, one before the next expected sequence number.
func (s *seqAnalysis) keepAlive() {
	if s.seglen <= 1 && s.seq == s.fwd.nextSeq-1 && s.flags&sfr == 0 {
		s.l |= lblKeepAlive
	}
}

// repeatsLast says the segment carries no data and the same seq and ack
// as its direction's last: the common ground of window update, keep-alive
// ACK, zero window probe ACK and dup ACK.
func (s *seqAnalysis) repeatsLast() bool {
	return s.seglen == 0 && s.seq == s.fwd.nextSeq && s.ack == s.fwd.lastAck && s.flags&sfr == 0
}

// windowUpdate: no data, same seq and ack, a new window.
func (s *seqAnalysis) windowUpdate() {
	if s.win != 0 && s.win != s.fwd.window && s.repeatsLast() {
		s.l |= lblWindowUpdate
	}
}

// windowFull: data that reaches exactly the edge of the other side's
// window.
func (s *seqAnalysis) windowFull() {
	if s.seglen == 0 || s.rev.winScale == -1 || s.flags&sfr != 0 {
		return
	}
	shift := uint(0)
	if s.rev.winScale > 0 {
		shift = uint(s.rev.winScale)
	}
	if s.seq+s.seglen == s.rev.lastAck+(s.rev.window<<shift) {
		s.l |= lblWindowFull
	}
}

// keepAliveACK repeats the last ACK right after a keep-alive. It ends the
// first group.
func (s *seqAnalysis) keepAliveACK() bool {
	if s.win != 0 && s.win == s.fwd.window && s.rev.lastLabels&lblKeepAlive != 0 && s.repeatsLast() {
		s.l |= lblKeepAliveACK
		return true
	}
	return false
}

// zeroWindowProbeACK repeats a zero window right after a zero window
// probe. It ends the first group.
func (s *seqAnalysis) zeroWindowProbeACK() bool {
	if s.win == 0 && s.fwd.window == 0 && s.rev.lastLabels&lblZeroWindowProbe != 0 && s.repeatsLast() {
		s.l |= lblZeroWindowProbeACK
		return true
	}
	return false
}

// dupACK: no data, same window, seq and ack as the last segment; numbered
// from the last ACK that was not a duplicate.
func (s *seqAnalysis) dupACK() {
	if s.win != 0 && s.win == s.fwd.window && s.repeatsLast() {
		s.fwd.dupAckNum++
		s.l |= lblDupACK
		s.r.dupNum, s.r.dupFrame = s.fwd.dupAckNum, s.fwd.lastNonDup
	}
}

// ackAdvanced restarts the dup ACK count when the ACK moves (Wireshark's
// finished_fwd).
func (s *seqAnalysis) ackAdvanced() {
	if s.ack != s.fwd.lastAck {
		s.fwd.lastNonDup = s.f.num
		s.fwd.dupAckNum = 0
	}
}

// ackedUnseen ("ACKed segment that wasn't captured"): acknowledges bytes
// the other side never showed us; said once per gap.
func (s *seqAnalysis) ackedUnseen() {
	if s.rev.maxSeqToAck != 0 && seqGT(s.ack, s.rev.maxSeqToAck) && s.flags&flagACK != 0 {
		s.l |= lblAckedUnseen
		s.rev.maxSeqToAck = s.rev.nextSeq
	}
}

// carriesSequence says the segment occupies sequence space: data, SYN or
// FIN. Only such a segment can be sent again.
func (s *seqAnalysis) carriesSequence() bool {
	return s.seglen > 0 || s.flags&(flagSYN|flagFIN) != 0
}

// notAdvanced says the segment does not advance the sequence number. More
// than one byte starting one before nextSeq follows a zero window probe:
// new data, not a retransmission.
func (s *seqAnalysis) notAdvanced() bool {
	if s.seglen > 1 && s.fwd.nextSeq-1 == s.seq {
		return false
	}
	return s.fwd.nextSeq != 0 && seqLT(s.seq, s.fwd.nextSeq)
}

// fastRetransmission: at least two duplicate ACKs asked for exactly this
// segment, less than 20 ms ago.
func (s *seqAnalysis) fastRetransmission(notAdvanced bool) bool {
	if notAdvanced && s.rev.dupAckNum >= 2 && s.rev.lastAck == s.seq && s.ts-s.rev.lastAckTime < fastRetransWindow {
		s.l |= lblFastRetransmission
		return true
	}
	return false
}

// outOfOrder: came soon (within the iRTT) after the highest segment, and
// does not end where that one ends (a SYN or FIN counts for one sequence
// number, so a repeated SYN or FIN without data is a retransmission).
func (s *seqAnalysis) outOfOrder(notAdvanced bool) bool {
	if !notAdvanced {
		return false
	}
	thresh := int64(defaultOOOThresh)
	if s.fl.firstRTT != 0 {
		thresh = s.fl.firstRTT
	}
	if s.ts-s.fwd.nextSeqTime < thresh && s.fwd.nextSeq != s.end() {
		s.l |= lblOutOfOrder
		return true
	}
	return false
}

// spuriousRetransmission: every byte was already acknowledged.
func (s *seqAnalysis) spuriousRetransmission() bool {
	if s.seglen > 0 && s.rev.lastAck != 0 && seqLE(s.seq+s.seglen, s.rev.lastAck) {
		s.l |= lblSpuriousRetransmission
		return true
	}
	return false
}

// retransmission: sent again, for none of the reasons above.
func (s *seqAnalysis) retransmission(notAdvanced bool) {
	if notAdvanced {
		s.l |= lblRetransmission
	}
}

// end is the sequence number after the segment: a SYN or FIN counts for one.
func (s *seqAnalysis) end() uint32 {
	if s.flags&(flagSYN|flagFIN) != 0 {
		return s.seq + s.seglen + 1
	}
	return s.seq + s.seglen
}

// remember updates the direction's state once the rules have spoken: when
// a retransmission was first sent, the segments sent, the highest and the
// highest contiguous sequence numbers, and the last window and ACK.
func (s *seqAnalysis) remember() {
	fwd, l := s.fwd, s.l
	if l&lblAnyRetransmission != 0 {
		s.r.origTS, s.r.hasOrig = fwd.sentSegments.find(s.seq)
		if !s.r.hasOrig {
			s.r.origTS, s.r.hasOrig = fwd.nextSeqTime, fwd.nextSeq != 0
		}
	}
	next := s.end()
	if s.carriesSequence() && l&(lblAnyRetransmission|lblOutOfOrder) == 0 {
		fwd.sentSegments.add(s.seq, s.ts)
	}
	// The highest sequence number seen, to spot holes.
	if seqGT(next, fwd.nextSeq) || fwd.nextSeq == 0 {
		if l&lblZeroWindowProbe == 0 {
			fwd.nextSeq, fwd.nextSeqTime = next, s.ts
		}
	}
	// The highest contiguous sequence number, to spot ACKs of bytes we
	// never saw.
	if s.seq == fwd.maxSeqToAck || fwd.maxSeqToAck == 0 {
		if l&lblZeroWindowProbe == 0 {
			fwd.maxSeqToAck = fwd.nextSeq
		}
	}
	fwd.window = s.win
	fwd.lastAck = s.ack
	fwd.lastAckTime = s.ts
	fwd.lastLabels = l
}

// fillResult writes the labels, the relative numbers and the calculated
// window (scaled, as tshark's Win=).
func (s *seqAnalysis) fillResult() {
	r := s.r
	r.labels = s.l
	r.relSeq = s.seq - s.fwd.base
	if s.flags&flagACK != 0 {
		r.relAck = s.ack - s.rev.base
	}
	r.window = s.win
	if s.flags&flagSYN == 0 && s.fwd.winScale >= 0 {
		r.window = s.win << uint(s.fwd.winScale)
	}
}
