package trace

import "net/netip"

// outRec is everything the line, the note or the JSON object of one packet
// needs, taken out of the analyzer: the analysis must see packets one after
// the other, but printing them need not, so [Read] hands batches of these
// to another goroutine. It is kept small (three cache lines) because the
// other core reads every byte of it: strings point to immutable data (the
// flow's endpoints, protocol names, note texts) and the bytes computed
// during the analysis (address columns of packets without a flow, the Info
// text) live in the batch's arena.
type outRec struct {
	rel     int64 // ns since the first packet
	num     int
	origLen int32
	// The arena holds, from off[0]: the Source and Destination columns
	// (empty when fl is set) up to off[1] and off[2], then the Info bytes
	// up to off[3].
	off       [4]int32
	labels    label
	fl        *flowView // nil when the packet belongs to no flow
	proto     string
	nt        note
	tl        tcpLine
	labelsLen uint16 // expert labels at the start of the Info bytes
	digits    uint8
	dir       uint8 // 0 when the packet goes from the flow's client to its server
	noTime    bool
	tcpInfo   bool // append tshark's TCP Info text (tl) after the Info bytes
	rst       bool
	// fromWire says the Info bytes or the note quote the packet (a URL, a
	// server name): JSON must then check them for characters to escape.
	// Everything else is netdemo's own ASCII or UTF-8 text.
	fromWire bool
}

// tcpLine is what tshark's TCP Info text shows of a segment, SACK blocks
// aside: a segment with SACK blocks has its Info text written in full by
// the analysis.
type tcpLine struct {
	sport, dport uint16
	flags        uint16
	urg          uint16
	seq, ack     uint32 // relative
	win          uint32 // scaled
	seglen       int32
	mss          uint16
	ws           uint8
	nopt         uint8
	order        [8]uint8 // option kinds in the order they came
	tsval, tsecr uint32
}

// record fills rec from the packet just processed, appending its bytes to
// arena, and returns the arena.
func (a *Analyzer) record(rec *outRec, arena []byte) []byte {
	f, r := &a.fr, &a.tr
	*rec = outRec{
		num: f.num, rel: f.ts - a.base, origLen: int32(f.origLen), digits: uint8(a.digits), noTime: f.noTime,
		proto: a.proto, labelsLen: uint16(a.labelsLen), nt: a.nt, dir: uint8(a.dir),
		rst:      f.flags&flagRST != 0 && a.proto == "TCP",
		fromWire: a.app.proto != "" || a.nt.s != "" || f.net == netUnsupported,
	}
	rec.off[0] = int32(len(arena))
	if fl := a.fl; fl != nil {
		rec.fl = fl.view
		rec.off[1], rec.off[2] = rec.off[0], rec.off[0]
		rec.tl.sport, rec.tl.dport, rec.tl.seglen = f.sport, f.dport, int32(f.seglen)
		if fl.tcp {
			rec.tl.flags, rec.tl.urg = f.flags, f.urg
			rec.tl.seq, rec.tl.ack, rec.tl.win = r.relSeq, r.relAck, r.window
			rec.labels = r.labels
		}
	} else {
		arena = a.appendAddr(arena, true)
		rec.off[1] = int32(len(arena))
		arena = a.appendAddr(arena, false)
		rec.off[2] = int32(len(arena))
	}
	arena = append(arena, a.info...)
	if a.tcpInfo {
		o := &f.opts
		if o.nsack > 0 || o.n > len(rec.tl.order) {
			arena = appendTCPInfo(arena, &rec.tl, o, a.fl.h[1-a.dir].base, a.fl.view.ports[a.dir])
		} else {
			rec.tcpInfo = true
			rec.tl.mss, rec.tl.ws, rec.tl.tsval, rec.tl.tsecr = o.mss, o.ws, o.tsval, o.tsecr
			rec.tl.nopt = uint8(copy(rec.tl.order[:], o.order[:o.n]))
		}
	}
	rec.off[3] = int32(len(arena))
	return arena
}

// appendAddr writes the Source (or Destination) column of a packet that
// belongs to no flow: its network or link addresses.
func (a *Analyzer) appendAddr(b []byte, src bool) []byte {
	f := &a.fr
	switch {
	case f.net == netIPv4 || f.net == netIPv6:
		x := &f.dst
		if src {
			x = &f.src
		}
		if f.addrLen == 4 {
			return appendIPv4(b, x[:4])
		}
		return netip.AddrFrom16(*x).AppendTo(b)
	case f.hasLinkAddr:
		if src {
			return appendMACColumn(b, f.linkSrc)
		}
		return appendMACColumn(b, f.linkDst)
	}
	return b
}

// appendAddr writes the Source (or Destination) column.
func (rec *outRec) appendAddr(b, arena []byte, src bool) []byte {
	if fl := rec.fl; fl != nil {
		if src {
			return append(b, fl.addr[rec.dir]...)
		}
		return append(b, fl.addr[1-rec.dir]...)
	}
	if src {
		return append(b, arena[rec.off[0]:rec.off[1]]...)
	}
	return append(b, arena[rec.off[1]:rec.off[2]]...)
}

// appendInfo writes the Info column: the bytes of the analysis, then the
// TCP Info text when it was left for printing.
func (rec *outRec) appendInfo(b, arena []byte) []byte {
	b = append(b, arena[rec.off[2]:rec.off[3]]...)
	if rec.tcpInfo {
		b = appendTCPInfo(b, &rec.tl, nil, 0, rec.fl.ports[rec.dir])
	}
	return b
}

// appendLine writes the packet's line (and its note when enabled) to b.
func (rec *outRec) appendLine(b, arena []byte, opts *Options, lang int) []byte {
	s := len(b)
	b = appendUint(b, uint64(rec.num))
	b = padLeft(b, s, 5)
	b = append(b, ' ')
	s = len(b)
	if !rec.noTime {
		b = appendTime(b, rec.rel, int(rec.digits))
	}
	b = padLeft(b, s, 10)
	b = append(b, ' ')
	if rec.fl != nil {
		b = append(b, rec.fl.columns[rec.dir]...)
	} else {
		s = len(b)
		b = rec.appendAddr(b, arena, true)
		b = padLeft(b, s, 12)
		b = append(b, " → "...)
		s = len(b)
		b = rec.appendAddr(b, arena, false)
		b = padRight(b, s, 12)
		b = append(b, ' ')
	}
	b = append(b, rec.proto...)
	b = append(b, ' ')
	b = appendUint(b, uint64(rec.origLen))
	b = append(b, ' ')
	switch {
	case opts.Color && rec.labelsLen > 0:
		info := arena[rec.off[2]:rec.off[3]]
		b = append(b, ansiRed...)
		b = append(b, info[:rec.labelsLen]...)
		b = append(b, ansiReset...)
		b = append(b, info[rec.labelsLen:]...)
		if rec.tcpInfo {
			b = appendTCPInfo(b, &rec.tl, nil, 0, rec.fl.ports[rec.dir])
		}
	case opts.Color && rec.rst:
		b = append(b, ansiRed...)
		b = rec.appendInfo(b, arena)
		b = append(b, ansiReset...)
	default:
		b = rec.appendInfo(b, arena)
	}
	b = append(b, '\n')
	if opts.Notes && rec.nt.id != noteNone {
		b = append(b, "      ↳ "...)
		if opts.Color {
			b = append(b, ansiDim...)
		}
		b = appendNote(b, &rec.nt, lang)
		if opts.Color {
			b = append(b, ansiReset...)
		}
		b = append(b, '\n')
	}
	return b
}

// packet builds the public record of the packet.
func (rec *outRec) packet(arena []byte, lang int) Packet {
	p := Packet{
		Number:   rec.num,
		Time:     float64(rec.rel) / 1e9,
		Protocol: rec.proto,
		Length:   int(rec.origLen),
		Info:     string(rec.appendInfo(nil, arena)),
		Labels:   []string{},
		Flow:     -1,
		NoTime:   rec.noTime,
	}
	p.Src = string(rec.appendAddr(nil, arena, true))
	p.Dst = string(rec.appendAddr(nil, arena, false))
	if rec.fl != nil {
		p.Flow = rec.fl.id
		p.FromClient = rec.dir == 0
		p.SrcPort, p.DstPort = int(rec.tl.sport), int(rec.tl.dport)
		p.Len = int(rec.tl.seglen)
	}
	if rec.fl != nil && rec.fl.tcp {
		p.Flags = string(appendFlags(nil, rec.tl.flags, ","))
		p.Seq, p.Ack = rec.tl.seq, rec.tl.ack
		for i := len(labelOrder) - 1; i >= 0; i-- {
			if rec.labels&labelOrder[i].l != 0 {
				p.Labels = append(p.Labels, labelOrder[i].text)
			}
		}
	}
	if rec.nt.id != noteNone {
		p.Note = string(appendNote(nil, &rec.nt, lang))
	}
	return p
}
