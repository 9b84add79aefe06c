package h2wire

import (
	"errors"
	"fmt"
)

// StaticTableLen is the number of entries in HPACK's static table
// (RFC 7541 Appendix A). Indexes above it address the dynamic table.
const StaticTableLen = 61

// RepKind is how one header field was encoded in a header block
// (RFC 7541 §6).
type RepKind int

const (
	// Indexed: the whole field is an index into the static or dynamic
	// table (§6.1) — the cheapest form, often one byte.
	Indexed RepKind = iota
	// LiteralIndexed: the value is sent as a literal and both sides add the
	// field to their dynamic table (§6.2.1), so it can be an index next time.
	LiteralIndexed
	// LiteralUnindexed: a literal the table does not keep (§6.2.2).
	LiteralUnindexed
	// LiteralNeverIndexed: a literal no intermediary may index either
	// (§6.2.3), for secrets such as cookies or authorization.
	LiteralNeverIndexed
	// SizeUpdate changes the dynamic table's size (§6.3); it is no field.
	SizeUpdate
)

// Rep is one representation in a header block.
type Rep struct {
	Kind RepKind
	// Index is the table index of an Indexed field, the index of the name
	// of a literal (0 when the name itself is a literal), or the new size of
	// a SizeUpdate.
	Index uint64
	Len   int // bytes this representation takes in the block
}

// Dynamic reports whether the representation refers to the dynamic table.
func (r Rep) Dynamic() bool {
	return r.Kind != SizeUpdate && r.Index > StaticTableLen
}

// String says how the field was sent, e.g. "dynamic #62, 1 B".
func (r Rep) String() string {
	table := func(i uint64) string {
		if i > StaticTableLen {
			return fmt.Sprintf("dynamic #%d", i)
		}
		return fmt.Sprintf("static #%d", i)
	}
	name := "literal name"
	if r.Index != 0 {
		name = "name " + table(r.Index)
	}
	switch r.Kind {
	case Indexed:
		return fmt.Sprintf("%s, %d B", table(r.Index), r.Len)
	case LiteralIndexed:
		return fmt.Sprintf("literal, %s, added to table, %d B", name, r.Len)
	case LiteralUnindexed:
		return fmt.Sprintf("literal, %s, not indexed, %d B", name, r.Len)
	case LiteralNeverIndexed:
		return fmt.Sprintf("literal, %s, never indexed, %d B", name, r.Len)
	case SizeUpdate:
		return fmt.Sprintf("table size update to %d, %d B", r.Index, r.Len)
	}
	return fmt.Sprintf("RepKind(%d)", int(r.Kind))
}

var errShortBlock = errors.New("header block ends inside a representation")

// Representations walks a complete header block and says how each field
// was encoded. It does not decode strings (an hpack.Decoder does that); it
// only finds where each representation starts and ends, so the caller can
// pair them with the decoded fields, in order.
func Representations(block []byte) ([]Rep, error) {
	var reps []Rep
	for p := 0; p < len(block); {
		b := block[p]
		var (
			r      Rep
			prefix uint8
		)
		switch {
		case b&0x80 != 0:
			r.Kind, prefix = Indexed, 7
		case b&0xc0 == 0x40:
			r.Kind, prefix = LiteralIndexed, 6
		case b&0xe0 == 0x20:
			r.Kind, prefix = SizeUpdate, 5
		case b&0xf0 == 0x10:
			r.Kind, prefix = LiteralNeverIndexed, 4
		default:
			r.Kind, prefix = LiteralUnindexed, 4
		}
		v, n, err := readInt(block[p:], prefix)
		if err != nil {
			return reps, fmt.Errorf("byte %d: %w", p, err)
		}
		r.Index = v
		q := p + n
		if r.Kind == Indexed && v == 0 {
			return reps, fmt.Errorf("byte %d: indexed field with index 0", p)
		}
		if r.Kind != Indexed && r.Kind != SizeUpdate {
			if v == 0 { // the name is a literal string
				n, err := stringLen(block[q:])
				if err != nil {
					return reps, fmt.Errorf("byte %d: name: %w", q, err)
				}
				q += n
			}
			n, err := stringLen(block[q:])
			if err != nil {
				return reps, fmt.Errorf("byte %d: value: %w", q, err)
			}
			q += n
		}
		r.Len = q - p
		reps = append(reps, r)
		p = q
	}
	return reps, nil
}

// readInt reads an HPACK integer with an n-bit prefix (RFC 7541 §5.1) and
// returns it with the number of bytes it took.
func readInt(b []byte, n uint8) (uint64, int, error) {
	if len(b) == 0 {
		return 0, 0, errShortBlock
	}
	max := uint64(1)<<n - 1
	v := uint64(b[0]) & max
	if v < max {
		return v, 1, nil
	}
	var m uint
	for i := 1; i < len(b); i++ {
		v += uint64(b[i]&0x7f) << m
		if b[i]&0x80 == 0 {
			return v, i + 1, nil
		}
		m += 7
		if m >= 63 {
			return 0, 0, errors.New("integer too large")
		}
	}
	return 0, 0, errShortBlock
}

// stringLen returns the bytes a string literal (§5.2) takes: its length
// prefix plus its octets, Huffman-coded or not.
func stringLen(b []byte) (int, error) {
	v, n, err := readInt(b, 7)
	if err != nil {
		return 0, err
	}
	if v > uint64(len(b)-n) {
		return 0, errShortBlock
	}
	return n + int(v), nil
}
