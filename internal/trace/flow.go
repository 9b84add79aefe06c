package trace

import (
	"net/netip"
	"slices"
	"strconv"
)

// flowKey identifies a conversation regardless of direction: the two
// endpoints are stored lowest first.
type flowKey struct {
	a, b   [16]byte
	pa, pb uint16
	proto  uint8
}

func keyOf(f *frame) (k flowKey, aIsSrc bool) {
	k.proto = f.proto
	if c := compareEndpoint(&f.src, f.sport, &f.dst, f.dport); c <= 0 {
		k.a, k.b, k.pa, k.pb = f.src, f.dst, f.sport, f.dport
		return k, true
	}
	k.a, k.b, k.pa, k.pb = f.dst, f.src, f.dport, f.sport
	return k, false
}

func compareEndpoint(a *[16]byte, pa uint16, b *[16]byte, pb uint16) int {
	for i := range a {
		if a[i] != b[i] {
			return int(a[i]) - int(b[i])
		}
	}
	return int(pa) - int(pb)
}

// flow is the state kept for one TCP or UDP conversation: enough to number
// sequence bytes relative to each side's ISN, to apply Wireshark's expert
// analysis, and to summarise the flow. Nothing per packet is kept.
type flow struct {
	id      int
	key     flowKey
	tcp     bool
	cliSrcA bool // the client is endpoint a of the key
	cli     endpoint
	srv     endpoint
	view    *flowView // what the printer needs, never written after creation
	h       [2]half   // [client→server, server→client]

	first, last int64 // times of the first and last packets that have one
	timed       bool  // first and last are set
	synTime     int64 // most recent SYN without ACK (Wireshark's ts_mru_syn)
	sawSyn      bool
	firstRTT    int64 // SYN → ACK of the handshake (Wireshark's iRTT)

	hs       int // handshake progress: 1 SYN, 2 SYN/ACK, 3 done
	fin      [2]bool
	finEnd   [2]uint32 // sequence number just after each side's FIN
	finAcked [2]bool
	combined bool // the second FIN also acknowledged the first
	closed   bool // FIN both ways and both acknowledged
	rst      bool

	pkts     [2]int
	bytes    [2]int64
	payload  [2]int64
	retrans  int
	dupacks  int
	tlsVer   uint16
	quic     bool
	evicting bool
}

// flowView is what the printer goroutine reads of a flow. It is a
// separate allocation, written once when the flow is created: the flow
// itself changes with every packet, and sharing its cache lines with the
// other core would slow both.
type flowView struct {
	id      int
	tcp     bool
	addr    [2]string // Source column, by direction (0: client to server)
	columns [2]string // "   192.0.2.1 → 192.0.2.2    ", by direction
	ports   [2]string // "49152 → 80 [", by direction
}

// setView formats once what every line of the flow repeats: the Source
// and Destination columns and the ports of the TCP Info text, each way.
func (fl *flow) setView() {
	v := &flowView{id: fl.id, tcp: fl.tcp, addr: [2]string{fl.cli.addr, fl.srv.addr}}
	for dir := range 2 {
		src, dst := fl.cli, fl.srv
		if dir == 1 {
			src, dst = dst, src
		}
		b := padLeft(append([]byte(nil), src.addr...), 0, 12)
		b = append(b, " → "...)
		s := len(b)
		b = append(b, dst.addr...)
		b = padRight(b, s, 12)
		v.columns[dir] = string(append(b, ' '))
		p := appendUint(nil, uint64(src.port))
		p = append(p, " → "...)
		p = appendUint(p, uint64(dst.port))
		v.ports[dir] = string(append(p, " ["...))
	}
	fl.view = v
}

type endpoint struct {
	addr string // formatted address, for the Source/Destination columns
	port uint16
}

func (e endpoint) String() string {
	if len(e.addr) > 0 && e.addr[0] != '[' && containsColon(e.addr) {
		return "[" + e.addr + "]:" + strconv.Itoa(int(e.port))
	}
	return e.addr + ":" + strconv.Itoa(int(e.port))
}

func containsColon(s string) bool {
	for i := range len(s) {
		if s[i] == ':' {
			return true
		}
	}
	return false
}

// half is one direction of a TCP flow, named after Wireshark's tcp_flow_t.
type half struct {
	base    uint32 // ISN (or seq-1 when the SYN was not seen)
	baseSet bool

	nextSeq      uint32 // highest sequence number seen + 1 (0: none yet)
	nextSeqTime  int64
	maxSeqToAck  uint32
	lastAck      uint32
	lastAckTime  int64
	lastNonDup   int // frame number of the last ACK that was not a duplicate
	dupAckNum    int
	window       uint32 // raw window field of the last segment
	winScale     int8   // shift; -1 unknown, -2 no scaling
	lastLabels   label
	sentSegments segRing
	last         segSig // the previous segment, to spot the same packet captured twice
}

// segRing remembers when recent segments were first sent, so that a
// retransmission can say how long after the original it came.
type segRing struct {
	seq  [32]uint32
	ts   [32]int64
	next int
	n    int
}

func (r *segRing) add(seq uint32, ts int64) {
	r.seq[r.next], r.ts[r.next] = seq, ts
	r.next = (r.next + 1) % len(r.seq)
	r.n = min(r.n+1, len(r.seq))
}

func (r *segRing) find(seq uint32) (int64, bool) {
	for i := 1; i <= r.n; i++ {
		j := (r.next - i + len(r.seq)) % len(r.seq)
		if r.seq[j] == seq {
			return r.ts[j], true
		}
	}
	return 0, false
}

// flowTable holds the active flows, bounded by max.
type flowTable struct {
	m       map[flowKey]*flow
	max     int
	nextID  int
	last    *flow // the flow of the previous packet: most packets repeat it
	lastKey flowKey
	done    []Flow // summaries of evicted flows, at most max of them
	dropped int    // evicted flows whose summary was not kept
	base    int64  // capture start, for Flow.Start
}

func newFlowTable(max int) *flowTable {
	return &flowTable{m: make(map[flowKey]*flow), max: max}
}

// lookup returns the flow of f and the direction of f in it (0 when f goes
// from client to server), creating the flow on first sight.
func (t *flowTable) lookup(f *frame) (*flow, int) {
	k, aIsSrc := keyOf(f)
	fl := t.last
	if fl == nil || k != t.lastKey {
		fl = t.m[k]
		if fl == nil {
			fl = t.create(f, k, aIsSrc)
		}
		t.last, t.lastKey = fl, k
	}
	if aIsSrc == fl.cliSrcA {
		return fl, 0
	}
	return fl, 1
}

func (t *flowTable) create(f *frame, k flowKey, aIsSrc bool) *flow {
	if len(t.m) >= t.max {
		t.evict(f.ts)
	}
	fl := &flow{id: t.nextID, key: k, tcp: f.proto == protoTCP}
	t.nextID++
	// The client is the sender of the first packet, unless that packet is
	// a SYN/ACK: then the capture missed the SYN and the sender is the server.
	fromSrc := !(f.proto == protoTCP && f.flags&(flagSYN|flagACK) == flagSYN|flagACK)
	cliIsSrc := fromSrc
	if cliIsSrc {
		fl.cliSrcA = aIsSrc
		fl.cli = endpoint{addrString(f.src, f.addrLen), f.sport}
		fl.srv = endpoint{addrString(f.dst, f.addrLen), f.dport}
	} else {
		fl.cliSrcA = !aIsSrc
		fl.cli = endpoint{addrString(f.dst, f.addrLen), f.dport}
		fl.srv = endpoint{addrString(f.src, f.addrLen), f.sport}
	}
	fl.h[0].winScale, fl.h[1].winScale = -1, -1
	fl.setView()
	t.m[k] = fl
	return fl
}

// restart forgets a closed TCP flow whose ports are reused by a new SYN,
// as Wireshark starts a new tcp.stream.
func (t *flowTable) restart(fl *flow, f *frame) (*flow, int) {
	t.retire(fl)
	delete(t.m, fl.key)
	t.last = nil
	return t.lookup(f)
}

// evict makes room: first closed flows and flows idle for a minute, then,
// if that was not enough, the least recently active half.
func (t *flowTable) evict(now int64) {
	const idle = 60e9
	for k, fl := range t.m {
		if fl.closed || fl.rst || now-fl.last > idle {
			t.retire(fl)
			delete(t.m, k)
		}
	}
	if len(t.m) < t.max*3/4 {
		t.last = nil
		return
	}
	lasts := make([]int64, 0, len(t.m))
	for _, fl := range t.m {
		lasts = append(lasts, fl.last)
	}
	slices.Sort(lasts)
	cut := lasts[len(lasts)/2]
	for k, fl := range t.m {
		if fl.last <= cut {
			t.retire(fl)
			delete(t.m, k)
		}
	}
	t.last = nil
}

func (t *flowTable) retire(fl *flow) {
	if len(t.done) < t.max {
		t.done = append(t.done, fl.summary(t.base))
	} else {
		t.dropped++
	}
}

// flows returns the summaries of every flow seen, in order of appearance.
func (t *flowTable) flows() []Flow {
	out := make([]Flow, 0, len(t.done)+len(t.m))
	out = append(out, t.done...)
	for _, fl := range t.m {
		out = append(out, fl.summary(t.base))
	}
	slices.SortFunc(out, func(a, b Flow) int { return a.ID - b.ID })
	return out
}

// seen records the time of a packet of the flow, when it has one.
func (fl *flow) seen(f *frame) {
	if f.noTime {
		return
	}
	if !fl.timed {
		fl.first, fl.timed = f.ts, true
	}
	fl.last = f.ts
}

func (fl *flow) summary(base int64) Flow {
	s := Flow{
		ID:       fl.id,
		Protocol: "UDP",
		Client:   fl.cli.String(),
		Server:   fl.srv.String(),
		Start:    float64(fl.first-base) / 1e9,
		Duration: float64(fl.last-fl.first) / 1e9,
		NoTime:   !fl.timed,
		Packets:  fl.pkts,
		Bytes:    fl.bytes,
		Payload:  fl.payload,
		Retrans:  fl.retrans,
		DupACKs:  fl.dupacks,
	}
	if !fl.timed {
		s.Start = 0
	}
	if fl.tcp {
		s.Protocol = "TCP"
		s.RTT = durationNS(fl.firstRTT)
		s.Handshake = fl.hs >= 3
		switch {
		case fl.rst:
			s.End = "rst"
		case fl.fin[0] && fl.fin[1]:
			s.End = "fin"
		default:
			s.End = "open"
		}
	}
	return s
}

func addrString(a [16]byte, n int) string {
	if n == 4 {
		return netip.AddrFrom4([4]byte(a[:4])).String()
	}
	return netip.AddrFrom16(a).String()
}
