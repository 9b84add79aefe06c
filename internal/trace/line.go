package trace

import (
	"net/netip"
	"strconv"
)

// Formatting of the tshark-style line. Everything appends to a byte slice
// that the caller reuses, so printing a packet allocates nothing.
//
// tshark's default columns: number (right-aligned, width 5), relative time
// (right-aligned, width 10), source (right-aligned, width 12), "→",
// destination (left-aligned, width 12), protocol, length, info.

const (
	ansiRed   = "\x1b[31m"
	ansiCyan  = "\x1b[36m"
	ansiDim   = "\x1b[2m"
	ansiBold  = "\x1b[1m"
	ansiReset = "\x1b[0m"
)

func appendUint(b []byte, v uint64) []byte { return strconv.AppendUint(b, v, 10) }

func appendIPv4(b []byte, a []byte) []byte {
	for i := range 4 {
		if i > 0 {
			b = append(b, '.')
		}
		b = appendUint(b, uint64(a[i]))
	}
	return b
}

func appendMAC(b []byte, m []byte) []byte {
	const digits = "0123456789abcdef"
	for i, x := range m[:6] {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, digits[x>>4], digits[x&15])
	}
	return b
}

func appendMACColumn(b []byte, m [6]byte) []byte {
	if m == [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff} {
		return append(b, "Broadcast"...)
	}
	return appendMAC(b, m[:])
}

// appendAddr writes the Source or Destination column of f.
func (a *Analyzer) appendAddr(b []byte, src bool) []byte {
	f := &a.fr
	if fl := a.fl; fl != nil {
		if src == (a.dir == 0) {
			return append(b, fl.cli.addr...)
		}
		return append(b, fl.srv.addr...)
	}
	switch {
	case f.net == netIPv4 || f.net == netIPv6:
		x := f.dst
		if src {
			x = f.src
		}
		if f.addrLen == 4 {
			return appendIPv4(b, x[:4])
		}
		return netip.AddrFrom16(x).AppendTo(b)
	case f.hasLinkAddr:
		if src {
			return appendMACColumn(b, f.linkSrc)
		}
		return appendMACColumn(b, f.linkDst)
	}
	return b
}

// appendTime writes the time since the first packet with the given number
// of decimals, truncated like tshark.
func appendTime(b []byte, ns int64, digits int) []byte {
	if ns < 0 {
		b = append(b, '-')
		ns = -ns
	}
	b = appendUint(b, uint64(ns/1e9))
	if digits <= 0 {
		return b
	}
	b = append(b, '.')
	frac := ns % 1e9
	for i := 9; i > digits; i-- {
		frac /= 10
	}
	var tmp [9]byte
	for i := digits - 1; i >= 0; i-- {
		tmp[i] = byte('0' + frac%10)
		frac /= 10
	}
	return append(b, tmp[:digits]...)
}

func padLeft(b []byte, start, width int) []byte {
	n := len(b) - start
	if n >= width {
		return b
	}
	pad := width - n
	for range pad {
		b = append(b, ' ')
	}
	copy(b[start+pad:], b[start:start+n])
	for i := range pad {
		b[start+i] = ' '
	}
	return b
}

func padRight(b []byte, start, width int) []byte {
	for len(b)-start < width {
		b = append(b, ' ')
	}
	return b
}

// appendLine writes the packet's line (and its note when enabled) to b.
func (a *Analyzer) appendLine(b []byte) []byte {
	f := &a.fr
	s := len(b)
	b = appendUint(b, uint64(f.num))
	b = padLeft(b, s, 5)
	b = append(b, ' ')
	s = len(b)
	if !f.noTime {
		b = appendTime(b, f.ts-a.base, a.digits)
	}
	b = padLeft(b, s, 10)
	b = append(b, ' ')
	s = len(b)
	b = a.appendAddr(b, true)
	b = padLeft(b, s, 12)
	b = append(b, " → "...)
	s = len(b)
	b = a.appendAddr(b, false)
	b = padRight(b, s, 12)
	b = append(b, ' ')
	b = append(b, a.proto...)
	b = append(b, ' ')
	b = appendUint(b, uint64(f.origLen))
	b = append(b, ' ')
	if a.opts.Color && a.labelsLen > 0 {
		b = append(b, ansiRed...)
		b = append(b, a.info[:a.labelsLen]...)
		b = append(b, ansiReset...)
		b = append(b, a.info[a.labelsLen:]...)
	} else if a.opts.Color && f.flags&flagRST != 0 && a.proto == "TCP" {
		b = append(b, ansiRed...)
		b = append(b, a.info...)
		b = append(b, ansiReset...)
	} else {
		b = append(b, a.info...)
	}
	b = append(b, '\n')
	if a.opts.Notes && a.nt.id != noteNone {
		b = append(b, "      ↳ "...)
		if a.opts.Color {
			b = append(b, ansiDim...)
		}
		b = appendNote(b, &a.nt, a.lang)
		if a.opts.Color {
			b = append(b, ansiReset...)
		}
		b = append(b, '\n')
	}
	return b
}

// appendLabels writes tshark's expert labels, each as "[TCP ...] ".
func appendLabels(b []byte, r *tcpResult) []byte {
	if r.labels == 0 {
		return b
	}
	for i := len(labelOrder) - 1; i >= 0; i-- {
		lo := labelOrder[i]
		if r.labels&lo.l == 0 {
			continue
		}
		b = append(b, '[')
		b = append(b, lo.text...)
		if lo.l == lblDupACK {
			b = append(b, ' ')
			b = appendUint(b, uint64(r.dupFrame))
			b = append(b, '#')
			b = appendUint(b, uint64(r.dupNum))
		}
		b = append(b, "] "...)
	}
	return b
}

var flagNames = [...]string{"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECN", "CWR", "NS"}

func appendFlags(b []byte, flags uint16, sep string) []byte {
	first := true
	for i, n := range flagNames {
		if flags&(1<<i) == 0 {
			continue
		}
		if !first {
			b = append(b, sep...)
		}
		b = append(b, n...)
		first = false
	}
	if first && sep == ", " {
		b = append(b, "<None>"...)
	}
	return b
}

// appendTCPHeadline writes the start of tshark's TCP Info text, up to the
// window: "49152 → 80 [ACK] Seq=1 Ack=1 Win=502".
func appendTCPHeadline(b []byte, f *frame, seq, ack, win uint32) []byte {
	b = appendUint(b, uint64(f.sport))
	b = append(b, " → "...)
	b = appendUint(b, uint64(f.dport))
	b = append(b, " ["...)
	b = appendFlags(b, f.flags, ", ")
	b = append(b, "] Seq="...)
	b = appendUint(b, uint64(seq))
	if f.flags&flagACK != 0 {
		b = append(b, " Ack="...)
		b = appendUint(b, uint64(ack))
	}
	b = append(b, " Win="...)
	return appendUint(b, uint64(win))
}

// appendTCPInfo writes tshark's TCP Info text:
// "49152 → 80 [SYN] Seq=0 Win=65535 Len=0 MSS=1460 SACK_PERM TSval=1 TSecr=0 WS=128".
func appendTCPInfo(b []byte, f *frame, r *tcpResult, rev *half) []byte {
	b = appendUint(b, uint64(f.sport))
	b = append(b, " → "...)
	b = appendUint(b, uint64(f.dport))
	b = append(b, " ["...)
	b = appendFlags(b, f.flags, ", ")
	b = append(b, "] Seq="...)
	b = appendUint(b, uint64(r.relSeq))
	if f.flags&flagACK != 0 {
		b = append(b, " Ack="...)
		b = appendUint(b, uint64(r.relAck))
	}
	b = append(b, " Win="...)
	b = appendUint(b, uint64(r.window))
	if f.flags&flagURG != 0 {
		b = append(b, " Urg="...)
		b = appendUint(b, uint64(f.urg))
	}
	b = append(b, " Len="...)
	b = appendUint(b, uint64(f.seglen))
	o := &f.opts
	for _, kind := range o.order[:o.n] {
		switch kind {
		case optMSS:
			b = append(b, " MSS="...)
			b = appendUint(b, uint64(o.mss))
		case optWS:
			b = append(b, " WS="...)
			b = appendUint(b, 1<<o.ws)
		case optSACKPerm:
			b = append(b, " SACK_PERM"...)
		case optTS:
			b = append(b, " TSval="...)
			b = appendUint(b, uint64(o.tsval))
			b = append(b, " TSecr="...)
			b = appendUint(b, uint64(o.tsecr))
		case optSACK:
			for _, blk := range o.sack[:o.nsack] {
				b = append(b, " SLE="...)
				b = appendUint(b, uint64(blk[0]-rev.base))
				b = append(b, " SRE="...)
				b = appendUint(b, uint64(blk[1]-rev.base))
			}
		}
	}
	return b
}

// packet builds the public record of the packet just processed.
func (a *Analyzer) packet() Packet {
	f, r := &a.fr, &a.tr
	p := Packet{
		Number:   f.num,
		Time:     float64(f.ts-a.base) / 1e9,
		Protocol: a.proto,
		Length:   f.origLen,
		Info:     string(a.info),
		Labels:   []string{},
		Flow:     -1,
		NoTime:   f.noTime,
	}
	a.scr = a.appendAddr(a.scr[:0], true)
	p.Src = string(a.scr)
	a.scr = a.appendAddr(a.scr[:0], false)
	p.Dst = string(a.scr)
	if a.fl != nil {
		p.Flow = a.fl.id
		p.FromClient = a.dir == 0
		p.SrcPort, p.DstPort = int(f.sport), int(f.dport)
		p.Len = f.seglen
	}
	if a.fl != nil && a.fl.tcp {
		p.Flags = string(appendFlags(nil, f.flags, ","))
		p.Seq, p.Ack = r.relSeq, r.relAck
		for i := len(labelOrder) - 1; i >= 0; i-- {
			if r.labels&labelOrder[i].l != 0 {
				p.Labels = append(p.Labels, labelOrder[i].text)
			}
		}
	}
	if a.nt.id != noteNone {
		p.Note = string(appendNote(nil, &a.nt, a.lang))
	}
	return p
}

// Line returns the packet as tshark prints it, without colour or note.
func (p Packet) Line() string {
	var b []byte
	b = appendUint(b, uint64(p.Number))
	b = padLeft(b, 0, 5)
	b = append(b, ' ')
	s := len(b)
	if !p.NoTime {
		b = appendTime(b, int64(p.Time*1e9+0.5), 9)
	}
	b = padLeft(b, s, 10)
	b = append(b, ' ')
	s = len(b)
	b = append(b, p.Src...)
	b = padLeft(b, s, 12)
	b = append(b, " → "...)
	s = len(b)
	b = append(b, p.Dst...)
	b = padRight(b, s, 12)
	b = append(b, ' ')
	b = append(b, p.Protocol...)
	b = append(b, ' ')
	b = appendUint(b, uint64(p.Length))
	b = append(b, ' ')
	b = append(b, p.Info...)
	return string(b)
}
