package trace

import (
	"strings"
	"time"

	"github.com/netdemo/netdemo/internal/trace/capfile"
)

// Analyzer turns packets into tshark-like lines, notes, labels, flow
// summaries and counts. Feed it packets in capture order with [Analyzer.Add]
// (or [Analyzer.AddLink]). It keeps per-flow state only, never the packets,
// so its memory is bounded by Options.MaxFlows.
//
// An Analyzer is not safe for concurrent use.
type Analyzer struct {
	opts  Options
	lang  int
	flows *flowTable
	sum   Summary

	started  bool
	base     int64 // Unix ns of the first packet: times are relative to it
	flowBase bool  // flows.base is set: the first packet with a time was seen

	// Scratch state for the packet being processed, reused every time.
	fr        frame
	tr        tcpResult
	app       appResult
	nt        note
	proto     string
	fl        *flow
	dir       int
	digits    int
	info      []byte
	labelsLen int  // bytes of expert labels at the start of info
	tcpInfo   bool // info lacks tshark's TCP Info text: outRec adds it when printing
	rec       outRec
	recArena  []byte
	noteB     []byte
	scr       []byte
}

// NewAnalyzer returns an analyzer with the given options.
func NewAnalyzer(opts Options) *Analyzer {
	a := &Analyzer{opts: opts, lang: opts.lang(), flows: newFlowTable(opts.maxFlows())}
	a.info = make([]byte, 0, 256)
	a.app.info = make([]byte, 0, 128)
	return a
}

// Add analyses one packet captured at ts, of the link type in
// Options.LinkType (raw IP when zero), and returns its record. data is not
// retained.
func (a *Analyzer) Add(ts time.Time, data []byte) Packet {
	link := a.opts.LinkType
	if link == 0 {
		link = capfile.LinkRaw
	}
	return a.AddLink(ts, link, data, len(data))
}

// AddLink is [Analyzer.Add] with an explicit link type and wire length.
// An unsupported link type gives a packet whose Info says so.
func (a *Analyzer) AddLink(ts time.Time, link capfile.LinkType, data []byte, origLen int) Packet {
	a.process(ts.UnixNano(), link, data, origLen, 9, false)
	a.recArena = a.record(&a.rec, a.recArena[:0])
	return a.rec.packet(a.recArena, a.lang)
}

// Summary returns the counts so far.
func (a *Analyzer) Summary() Summary {
	s := a.sum
	s.Flows = a.flows.nextID
	return s
}

// Flows returns a summary of every flow seen so far, in order of first
// appearance (at most 2×MaxFlows: the oldest evicted ones are dropped).
func (a *Analyzer) Flows() []Flow { return a.flows.flows() }

// process decodes and analyses one packet into the scratch state. noTime
// says the capture recorded no time for it: ts is then 0, as tshark takes
// it for its analysis, and the line shows no time.
func (a *Analyzer) process(ts int64, link capfile.LinkType, data []byte, origLen, digits int, noTime bool) {
	a.sum.Packets++
	if !a.started {
		a.started, a.base = true, ts
	}
	if !noTime && !a.flowBase {
		a.flowBase, a.flows.base = true, ts
	}
	f := &a.fr
	f.num, f.ts, f.origLen, f.noTime = a.sum.Packets, ts, max(origLen, len(data)), noTime
	a.digits = digits
	decode(f, link, data)
	a.fl, a.dir, a.proto = nil, 0, ""
	a.tr = tcpResult{}
	a.nt = note{}
	a.app.info, a.app.proto, a.app.note = a.app.info[:0], "", note{}
	a.info = a.info[:0]
	a.labelsLen = 0
	a.tcpInfo = false

	switch {
	case f.net == netIPv4 || f.net == netIPv6:
		switch {
		case f.fragment:
			a.proto = ipName(f)
			a.info = append(a.info, "Fragmented IP protocol (proto="...)
			a.info = appendInt(a.info, int64(f.proto))
			a.info = append(a.info, ')')
			a.nt = note{id: noteFragment}
		case f.proto == protoTCP && f.sport|f.dport != 0 || f.proto == protoTCP && f.malformed == "":
			a.tcp()
		case f.proto == protoUDP && f.malformed == "":
			a.udp()
		case f.proto == protoICMP || f.proto == protoICMPv6:
			a.icmp()
		default:
			a.other()
		}
	case f.net == netARP:
		a.arp()
	default:
		a.nonIP()
	}
}

func (a *Analyzer) tcp() {
	f := &a.fr
	fl, dir := a.flows.lookup(f)
	if f.flags&(flagSYN|flagACK) == flagSYN && (fl.closed || fl.rst) && fl.h[dir].baseSet && f.seq != fl.h[dir].base {
		fl, dir = a.flows.restart(fl, f) // the ports are reused by a new connection
	}
	a.fl, a.dir = fl, dir
	fl.pkts[dir]++
	fl.bytes[dir] += int64(f.origLen)
	fl.payload[dir] += int64(f.seglen)
	fl.seen(f)
	a.proto = "TCP"
	if f.hdrState == tcpHdrPastEnd {
		a.malformedTCP()
		return
	}

	r := &a.tr
	analyzeTCP(fl, dir, f, r)
	if f.hdrState == tcpHdrTooShort {
		// tshark analyses the segment but stops before printing its labels.
		r.labels = 0
	}
	if r.labels&lblAnyRetransmission != 0 {
		a.sum.Retransmissions++
		fl.retrans++
	}
	if r.labels&lblDupACK != 0 {
		a.sum.DupACKs++
		fl.dupacks++
	}
	if r.labels&lblOutOfOrder != 0 {
		a.sum.OutOfOrder++
	}
	if f.flags&flagRST != 0 {
		a.sum.Resets++
	}
	conn := a.connection()

	if f.malformed == "" && len(f.payload) > 0 && r.labels&(lblAnyRetransmission|lblOutOfOrder) == 0 {
		if detectHTTP(f.payload, &a.app) || detectTLS(f.payload, fl, &a.app) {
			a.proto = a.app.proto
		}
	}
	a.nt = a.tcpNote(conn)
	a.info = appendLabels(a.info, r)
	a.labelsLen = len(a.info)
	switch {
	case f.hdrState == tcpHdrTooShort:
		a.info = appendTCPHeadline(a.info, f, r.relSeq, r.relAck, r.window)
		a.info = append(a.info, ", bogus TCP header length ("...)
		a.info = appendUint(a.info, uint64(f.hdrLen))
		a.info = append(a.info, ", must be at least 20)"...)
		a.nt = note{id: noteTCPHeaderTooShort, a: int64(f.hdrLen), who: dir}
	case a.app.proto != "":
		a.info = append(a.info, a.app.info...)
	default:
		a.tcpInfo = true // written when printing: see outRec
	}
}

// malformedTCP shows a segment whose header runs past its end as tshark
// does: the header fields as they are (absolute numbers, raw window), then
// "[Malformed Packet]", and no sequence analysis.
func (a *Analyzer) malformedTCP() {
	f := &a.fr
	a.info = appendTCPHeadline(a.info, f, f.seq, f.ack, uint32(f.win))
	a.info = append(a.info, "[Malformed Packet]"...)
	a.nt = note{id: noteTCPHeaderPastEnd, a: int64(f.hdrLen), b: int64(f.ipPayLen), who: a.dir}
	if f.flags&flagRST != 0 {
		a.sum.Resets++
	}
}

// connection follows the handshake and the teardown of the flow and
// returns the note they call for (noteNone for other packets).
func (a *Analyzer) connection() note {
	f, fl, dir := &a.fr, a.fl, a.dir
	other := 1 - dir
	flags := f.flags
	n := note{who: dir}
	switch {
	case flags&flagRST != 0:
		refused := fl.hs == 1 && fl.pkts[other] > 0 && dir == 1
		fl.rst = true
		if refused {
			n.id = noteRSTRefused
		} else {
			n.id = noteRSTAbort
		}
		return n
	case flags&(flagSYN|flagACK) == flagSYN:
		if fl.hs >= 1 {
			n.id = noteSYNAgain
			return n
		}
		fl.hs = 1
		n.id = noteSYN
		return n
	case flags&(flagSYN|flagACK) == flagSYN|flagACK:
		if fl.hs < 2 {
			fl.hs = 2
		}
		n.id = noteSYNACK
		return n
	}
	if flags&flagACK != 0 && fl.hs == 2 && dir == 0 && a.tr.relAck == 1 {
		fl.hs = 3
		a.sum.Handshakes++
		n.id = noteHandshakeACK
		return n
	}
	acksFIN := flags&flagACK != 0 && fl.fin[other] && !fl.finAcked[other] && f.ack == fl.finEnd[other]
	if acksFIN {
		fl.finAcked[other] = true
	}
	if flags&flagFIN != 0 && !fl.fin[dir] {
		fl.fin[dir] = true
		fl.finEnd[dir] = f.seq + uint32(f.seglen) + 1
		switch {
		case !fl.fin[other]:
			n.id = noteFIN1
		case acksFIN:
			fl.combined = true
			n.id = noteFIN2Combined
		case fl.finAcked[other]:
			n.id = noteFIN3
		default:
			n.id = noteFINSimultaneous
		}
		return n
	}
	if acksFIN {
		switch {
		case !fl.fin[dir]:
			n.id = noteFIN2ACK
		case fl.combined:
			n.id = noteFIN3Last
		default:
			n.id = noteFIN4
		}
		if fl.finAcked[0] && fl.finAcked[1] && !fl.closed {
			fl.closed = true
			a.sum.Teardowns++
		}
		return n
	}
	return n
}

// tcpNote picks the single most telling note for a TCP segment.
func (a *Analyzer) tcpNote(conn note) note {
	f, r := &a.fr, &a.tr
	who := a.dir
	first := int64(r.relSeq)
	last := first + int64(f.seglen) - 1
	// since is how long after the original a retransmission came; -1
	// when either has no time.
	since := int64(-1)
	if r.hasOrig && !f.noTime {
		since = f.ts - r.origTS
	}
	const repeats = lblAnyRetransmission | lblOutOfOrder | lblDupACK
	switch l := r.labels; {
	case f.flags&flagRST != 0:
		return conn
	case r.twice && l&repeats != 0:
		return note{id: noteCapturedTwice, d: r.twiceGap, who: who}
	case l&lblAnyRetransmission != 0 && f.seglen == 0:
		// A SYN, SYN/ACK or FIN without data, sent again.
		switch {
		case f.flags&(flagSYN|flagACK) == flagSYN:
			return note{id: noteSYNAgain, who: who}
		case f.flags&flagSYN != 0:
			return note{id: noteSYNACKAgain, d: since, who: who}
		default:
			return note{id: noteFINAgain, d: since, who: who}
		}
	case l&lblFastRetransmission != 0:
		return note{id: noteFastRetransmission, a: first, b: last, d: since, who: who}
	case l&lblSpuriousRetransmission != 0:
		return note{id: noteSpurious, a: first, b: last, who: who}
	case l&lblRetransmission != 0:
		if since >= 0 {
			return note{id: noteRetransmission, a: first, b: last, d: since, who: who}
		}
		return note{id: noteRetransmissionNoOrig, a: first, b: last, who: who}
	case l&lblOutOfOrder != 0:
		if f.seglen == 0 {
			return note{id: noteOutOfOrderFlag, a: first, who: who}
		}
		return note{id: noteOutOfOrder, a: first, b: last, who: who}
	case l&lblDupACK != 0:
		id := noteDupACK
		if r.dupNum == 3 {
			id = noteDupACK3
		}
		return note{id: id, a: int64(r.dupNum), b: int64(r.relAck), who: who}
	case l&lblZeroWindowProbe != 0:
		return note{id: noteZeroWindowProbe, who: who}
	case l&lblZeroWindowProbeACK != 0:
		return note{id: noteZeroWindowProbeACK, who: who}
	case l&lblKeepAlive != 0:
		return note{id: noteKeepAlive, who: who}
	case l&lblKeepAliveACK != 0:
		return note{id: noteKeepAliveACK, who: who}
	case l&lblZeroWindow != 0:
		return note{id: noteZeroWindow, who: who}
	case l&lblLostSegment != 0:
		return note{id: noteLostSegment, a: int64(r.lostFrom), b: first - 1, who: who}
	case l&lblWindowFull != 0:
		return note{id: noteWindowFull, who: who}
	case l&lblAckedUnseen != 0:
		return note{id: noteAckedUnseen, a: int64(r.relAck) - 1, who: who}
	case l&lblWindowUpdate != 0:
		return note{id: noteWindowUpdate, a: int64(r.window), who: who}
	}
	if conn.id != noteNone {
		return conn
	}
	if a.app.proto != "" {
		n := a.app.note
		n.who = who
		return n
	}
	if f.seglen > 0 {
		return note{id: noteData, a: int64(f.seglen), who: who}
	}
	if f.flags&flagACK != 0 {
		return note{id: notePureACK, a: int64(r.relAck) - 1, who: who}
	}
	return note{}
}

func (a *Analyzer) udp() {
	f := &a.fr
	fl, dir := a.flows.lookup(f)
	a.fl, a.dir = fl, dir
	fl.pkts[dir]++
	fl.bytes[dir] += int64(f.origLen)
	fl.payload[dir] += int64(f.seglen)
	fl.seen(f)
	a.sum.UDPDatagrams++
	a.proto = "UDP"
	a.nt = note{id: noteUDP, a: int64(f.seglen), who: dir}
	if (f.sport == 53 || f.dport == 53) && detectDNS(f.payload, &a.app) || detectQUIC(f.payload, fl, &a.app) {
		a.proto = a.app.proto
		a.nt = a.app.note
		a.nt.who = dir
		a.info = append(a.info, a.app.info...)
		return
	}
	a.info = appendUint(a.info, uint64(f.sport))
	a.info = append(a.info, " → "...)
	a.info = appendUint(a.info, uint64(f.dport))
	a.info = append(a.info, " Len="...)
	a.info = appendUint(a.info, uint64(f.seglen))
}

var ipProtoNames = map[uint8]string{
	2: "IGMP", 4: "IPIP", 41: "IPv6", 47: "GRE", 50: "ESP", 51: "AH", 89: "OSPF",
	103: "PIMv2", 112: "VRRP", 132: "SCTP",
}

func ipName(f *frame) string {
	if f.net == netIPv6 {
		return "IPv6"
	}
	return "IPv4"
}

func (a *Analyzer) other() {
	f := &a.fr
	name, ok := ipProtoNames[f.proto]
	if !ok {
		name = ipName(f)
	}
	a.proto = name
	if f.malformed != "" {
		a.info = append(a.info, "[Malformed Packet: "...)
		a.info = append(a.info, f.malformed...)
		a.info = append(a.info, ']')
		a.nt = note{id: noteMalformed, s: f.malformed}
		return
	}
	if !ok {
		// tshark's Info for a protocol it has no dissector for.
		a.info = append(a.info, "Unknown ("...)
		a.info = appendUint(a.info, uint64(f.proto))
		a.info = append(a.info, ')')
		a.nt = note{id: noteUnknownIPProto, a: int64(f.proto)}
		return
	}
	a.info = append(a.info, "IP protocol "...)
	a.info = appendUint(a.info, uint64(f.proto))
	a.nt = note{id: noteOtherIP, s: name + " (" + string(appendUint(nil, uint64(f.proto))) + ")"}
}

var icmpUnreach = map[uint8]string{
	0: "Network unreachable", 1: "Host unreachable", 2: "Protocol unreachable",
	3: "Port unreachable", 4: "Fragmentation needed", 13: "Communication administratively filtered",
}

func (a *Analyzer) icmp() {
	f := &a.fr
	b := f.transport
	v6 := f.proto == protoICMPv6
	a.proto = "ICMP"
	if v6 {
		a.proto = "ICMPv6"
	}
	if len(b) < 8 {
		a.info = append(a.info, "[Malformed Packet]"...)
		a.nt = note{id: noteMalformed, s: "short ICMP header"}
		return
	}
	typ, code := b[0], b[1]
	echo := func(what string, id noteID) {
		a.info = append(a.info, what...)
		a.info = append(a.info, "  id=0x"...)
		a.info = append(a.info, hex4(uint16(b[4])<<8|uint16(b[5]))...)
		seq := uint16(b[6])<<8 | uint16(b[7])
		a.info = append(a.info, ", seq="...)
		a.info = appendUint(a.info, uint64(seq))
		a.info = append(a.info, '/')
		a.info = appendUint(a.info, uint64(seq>>8|seq<<8))
		a.info = append(a.info, ", "...)
		if v6 {
			a.info = append(a.info, "hop limit="...)
		} else {
			a.info = append(a.info, "ttl="...)
		}
		a.info = appendUint(a.info, uint64(f.ttl))
		a.nt = note{id: id}
	}
	switch {
	case !v6 && typ == 8 || v6 && typ == 128:
		echo("Echo (ping) request", notePingRequest)
	case !v6 && typ == 0 || v6 && typ == 129:
		echo("Echo (ping) reply", notePingReply)
	case !v6 && typ == 3 || v6 && typ == 1:
		why := icmpUnreach[code]
		if v6 {
			why = [...]string{"No route to destination", "Communication prohibited", "Beyond scope", "Address unreachable", "Port unreachable"}[min(int(code), 4)]
		}
		if why == "" {
			why = "code " + string(appendUint(nil, uint64(code)))
		}
		a.info = append(a.info, "Destination unreachable ("...)
		a.info = append(a.info, why...)
		a.info = append(a.info, ')')
		a.nt = note{id: noteICMPUnreachable, s: why}
	case !v6 && typ == 11 || v6 && typ == 3:
		a.info = append(a.info, "Time-to-live exceeded"...)
		a.nt = note{id: noteICMPOther, s: "time to live exceeded"}
	case v6 && typ >= 133 && typ <= 137:
		name := [...]string{"Router Solicitation", "Router Advertisement", "Neighbor Solicitation", "Neighbor Advertisement", "Redirect"}[typ-133]
		a.info = append(a.info, name...)
		a.nt = note{id: noteICMPOther, s: strings.ToLower(name)}
	default:
		a.info = append(a.info, "Type "...)
		a.info = appendUint(a.info, uint64(typ))
		a.info = append(a.info, ", code "...)
		a.info = appendUint(a.info, uint64(code))
		a.nt = note{id: noteICMPOther, s: string(a.info)}
	}
}

func (a *Analyzer) arp() {
	f := &a.fr
	b := f.transport
	a.proto = "ARP"
	if len(b) < 28 || b[4] != 6 || b[5] != 4 {
		a.info = append(a.info, "[Malformed Packet]"...)
		a.nt = note{id: noteMalformed, s: "short ARP packet"}
		return
	}
	op := uint16(b[6])<<8 | uint16(b[7])
	sha, spa, tpa := b[8:14], b[14:18], b[24:28]
	switch op {
	case 1:
		a.info = append(a.info, "Who has "...)
		a.info = appendIPv4(a.info, tpa)
		a.info = append(a.info, "? Tell "...)
		a.info = appendIPv4(a.info, spa)
		a.nt = note{id: noteARPRequest, s: string(appendIPv4(nil, tpa))}
	case 2:
		a.info = appendIPv4(a.info, spa)
		a.info = append(a.info, " is at "...)
		a.info = appendMAC(a.info, sha)
		a.nt = note{id: noteARPReply, s: string(a.info)}
	default:
		a.info = append(a.info, "ARP opcode "...)
		a.info = appendUint(a.info, uint64(op))
	}
}
