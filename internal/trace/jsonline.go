package trace

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// appendJSON writes the packet as one JSON Lines object, the same bytes as
// encoding/json gives for {"kind":"packet", Packet} (with HTML escaping
// off), without reflection or allocation: JSON output is then about as
// fast as text. TestJSONMatchesEncodingJSON holds the two together.
func (rec *outRec) appendJSON(b, arena []byte, lang int) []byte {
	b = append(b, `{"kind":"packet","number":`...)
	b = appendUint(b, uint64(rec.num))
	b = append(b, `,"time":`...)
	b = appendJSONSeconds(b, rec.rel)
	if rec.noTime {
		b = append(b, `,"no_time":true`...)
	}
	b = append(b, `,"src":"`...)
	s := len(b)
	b = rec.appendAddr(b, arena, true)
	b = closeQuote(b, s)
	b = append(b, `,"dst":"`...)
	s = len(b)
	b = rec.appendAddr(b, arena, false)
	b = closeQuote(b, s)
	hasFlow := rec.fl != nil
	tcpFlow := hasFlow && rec.fl.tcp
	if hasFlow && rec.tl.sport != 0 {
		b = append(b, `,"sport":`...)
		b = appendUint(b, uint64(rec.tl.sport))
	}
	if hasFlow && rec.tl.dport != 0 {
		b = append(b, `,"dport":`...)
		b = appendUint(b, uint64(rec.tl.dport))
	}
	b = append(b, `,"protocol":`...)
	b = appendJSONString(b, rec.proto)
	b = append(b, `,"length":`...)
	b = appendUint(b, uint64(rec.origLen))
	var seq, ack uint32
	if tcpFlow {
		if rec.tl.flags != 0 {
			b = append(b, `,"flags":"`...)
			b = appendFlags(b, rec.tl.flags, ",")
			b = append(b, '"')
		}
		seq, ack = rec.tl.seq, rec.tl.ack
	}
	b = append(b, `,"seq":`...)
	b = appendUint(b, uint64(seq))
	b = append(b, `,"ack":`...)
	b = appendUint(b, uint64(ack))
	b = append(b, `,"len":`...)
	if hasFlow {
		b = appendUint(b, uint64(rec.tl.seglen))
	} else {
		b = append(b, '0')
	}
	b = append(b, `,"labels":[`...)
	if tcpFlow {
		first := true
		for i := len(labelOrder) - 1; i >= 0; i-- {
			if rec.labels&labelOrder[i].l != 0 {
				if !first {
					b = append(b, ',')
				}
				first = false
				b = append(append(append(b, '"'), labelOrder[i].text...), '"')
			}
		}
	}
	b = append(b, `],"info":"`...)
	s = len(b)
	b = rec.appendInfo(b, arena)
	if rec.fromWire {
		b = closeQuote(b, s)
	} else {
		b = append(b, '"')
	}
	if rec.nt.id != noteNone {
		b = append(b, `,"note":"`...)
		s = len(b)
		b = appendNote(b, &rec.nt, lang)
		if rec.fromWire {
			b = closeQuote(b, s)
		} else {
			b = append(b, '"')
		}
	}
	b = append(b, `,"flow":`...)
	if hasFlow {
		b = appendUint(b, uint64(rec.fl.id))
	} else {
		b = append(b, "-1"...)
	}
	if hasFlow && rec.dir == 0 {
		b = append(b, `,"from_client":true}`...)
	} else {
		b = append(b, `,"from_client":false}`...)
	}
	return append(b, '\n')
}

// appendJSONSeconds writes ns nanoseconds as seconds, as encoding/json
// writes float64(ns)/1e9. When the exact decimal has at most 15
// significant digits it is that float's shortest representation (the
// division is correctly rounded, and no shorter decimal lies within half a
// unit in the last place), so it is written directly; other values go
// through strconv.
func appendJSONSeconds(b []byte, ns int64) []byte {
	if ns < 1000 || ns >= 1e15 {
		return appendJSONFloat(b, float64(ns)/1e9)
	}
	sec, frac := ns/1e9, ns%1e9
	var digits [9]byte
	n := 9
	for i := 8; i >= 0; i-- {
		digits[i] = byte('0' + frac%10)
		frac /= 10
	}
	for n > 0 && digits[n-1] == '0' {
		n--
	}
	sig := n
	if sec > 0 {
		for v := sec; v > 0; v /= 10 {
			sig++
		}
	} else {
		lead := 0
		for lead < n && digits[lead] == '0' {
			lead++
		}
		sig -= lead
	}
	if sig > 15 {
		return appendJSONFloat(b, float64(ns)/1e9)
	}
	b = appendUint(b, uint64(sec))
	if n > 0 {
		b = append(b, '.')
		b = append(b, digits[:n]...)
	}
	return b
}

// appendJSONFloat formats f as encoding/json does: the shortest decimal
// that reads back as f, in exponent form only for very small or very
// large magnitudes, with a one-digit negative exponent ("1e-7").
func appendJSONFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, '0') // cannot happen for times; JSON has no NaN
	}
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if n := len(b); format == 'e' && n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		b[n-2] = b[n-1]
		b = b[:n-1]
	}
	return b
}

// needsEscape says which ASCII bytes encoding/json escapes inside strings
// (HTML escaping off): the control characters, the quote and the backslash.
var needsEscape = func() (t [utf8.RuneSelf]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// closeQuote ends the JSON string whose text was written raw from
// b[start:], just after its opening quote. Most texts need no escaping
// and are left where they are; the others are escaped (rare: copies).
func closeQuote(b []byte, start int) []byte {
	for i := start; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if needsEscape[c] {
				return escapeFrom(b, start)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			return escapeFrom(b, start)
		}
		i += size
	}
	return append(b, '"')
}

func escapeFrom(b []byte, start int) []byte {
	text := string(b[start:])
	return appendJSONString(b[:start-1], text)
}

// appendJSONString writes s as a JSON string, escaping as encoding/json
// does: invalid UTF-8 becomes U+FFFD, and U+2028 and U+2029 are escaped
// because JavaScript treats them as line ends.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if !needsEscape[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&15])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
