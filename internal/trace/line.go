package trace

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

// appendUint writes v in decimal, two digits at a time: the lines hold
// nine or ten numbers each, so this is the printer's inner loop.
func appendUint(b []byte, v uint64) []byte {
	if v < 10 {
		return append(b, byte('0'+v))
	}
	var tmp [20]byte
	i := len(tmp)
	for v >= 100 {
		q := v / 100
		r := (v - q*100) * 2
		i -= 2
		tmp[i], tmp[i+1] = digitPairs[r], digitPairs[r+1]
		v = q
	}
	if v >= 10 {
		i -= 2
		tmp[i], tmp[i+1] = digitPairs[v*2], digitPairs[v*2+1]
	} else {
		i--
		tmp[i] = byte('0' + v)
	}
	return append(b, tmp[i:]...)
}

const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

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
// The options come from o when given (with sackBase, the other side's ISN,
// to make SACK edges relative), otherwise from t. ports, when not empty,
// is the start of the text up to the flags.
func appendTCPInfo(b []byte, t *tcpLine, o *tcpOptions, sackBase uint32, ports string) []byte {
	if ports != "" {
		b = append(b, ports...) // the flow's "49152 → 80 [", formatted once
	} else {
		b = appendUint(b, uint64(t.sport))
		b = append(b, " → "...)
		b = appendUint(b, uint64(t.dport))
		b = append(b, " ["...)
	}
	b = appendFlags(b, t.flags, ", ")
	b = append(b, "] Seq="...)
	b = appendUint(b, uint64(t.seq))
	if t.flags&flagACK != 0 {
		b = append(b, " Ack="...)
		b = appendUint(b, uint64(t.ack))
	}
	b = append(b, " Win="...)
	b = appendUint(b, uint64(t.win))
	if t.flags&flagURG != 0 {
		b = append(b, " Urg="...)
		b = appendUint(b, uint64(t.urg))
	}
	b = append(b, " Len="...)
	b = appendUint(b, uint64(t.seglen))
	kinds, mss, ws, tsval, tsecr := t.order[:t.nopt], t.mss, t.ws, t.tsval, t.tsecr
	if o != nil {
		kinds, mss, ws, tsval, tsecr = o.order[:o.n], o.mss, o.ws, o.tsval, o.tsecr
	}
	for _, kind := range kinds {
		switch kind {
		case optMSS:
			b = append(b, " MSS="...)
			b = appendUint(b, uint64(mss))
		case optWS:
			b = append(b, " WS="...)
			b = appendUint(b, 1<<ws)
		case optSACKPerm:
			b = append(b, " SACK_PERM"...)
		case optTS:
			b = append(b, " TSval="...)
			b = appendUint(b, uint64(tsval))
			b = append(b, " TSecr="...)
			b = appendUint(b, uint64(tsecr))
		case optSACK:
			if o == nil {
				break
			}
			for _, blk := range o.sack[:o.nsack] {
				b = append(b, " SLE="...)
				b = appendUint(b, uint64(blk[0]-sackBase))
				b = append(b, " SRE="...)
				b = appendUint(b, uint64(blk[1]-sackBase))
			}
		}
	}
	return b
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
