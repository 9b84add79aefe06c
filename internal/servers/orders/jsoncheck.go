package orders

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode"
	"unicode/utf8"
)

// checkJSON refuses what encoding/json would accept silently and get
// wrong: invalid UTF-8 (which it turns into U+FFFD) and a name that occurs
// twice in one object (where it keeps the last value, while other parsers
// keep the first: RFC 8259 §4 says names SHOULD be unique, and the
// difference is a known request-smuggling trick). Names that differ only
// in case count as the same name, because Go's decoder matches struct
// fields case-insensitively. It also checks the syntax, naming the byte
// offset of an error.
func checkJSON(b []byte) error {
	// An order is one flat object; the bound keeps a body of 64 KiB of
	// brackets from costing much.
	const maxDepth = 32
	if !utf8.Valid(b) {
		return fmt.Errorf("the body is not valid UTF-8 (first bad byte at offset %d); JSON text must be UTF-8 (RFC 8259 §8.1)", invalidUTF8At(b))
	}
	type level struct {
		object    bool
		expectKey bool
		names     map[string]string // folded name → name as sent
	}
	var stack []*level
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return describeJSONError(err)
		}
		var top *level
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				if len(stack) == maxDepth {
					return fmt.Errorf("the JSON is nested more than %d levels deep (at byte %d)", maxDepth, dec.InputOffset())
				}
				l := &level{object: d == '{', expectKey: true}
				if l.object {
					l.names = map[string]string{}
				}
				stack = append(stack, l)
			case '}', ']':
				stack = stack[:len(stack)-1]
				if len(stack) > 0 {
					stack[len(stack)-1].expectKey = true
				}
			}
			if d == '{' || d == '[' {
				if top != nil && top.object {
					top.expectKey = false // the value of top's current name is this container
				}
			}
			continue
		}
		if top == nil || !top.object {
			continue // a scalar in an array, or at the top
		}
		if !top.expectKey {
			top.expectKey = true // a scalar value
			continue
		}
		name, _ := tok.(string)
		folded := foldName(name)
		if prev, dup := top.names[folded]; dup {
			if prev == name {
				return fmt.Errorf("duplicate key %q in a JSON object (at byte %d); send each field once", name, dec.InputOffset())
			}
			return fmt.Errorf("keys %q and %q differ only in case (at byte %d); Go's decoder takes them for one field, so send it once", prev, name, dec.InputOffset())
		}
		top.names[folded] = name
		top.expectKey = false
	}
}

// foldName maps every rune to the smallest rune of its Unicode case-folding
// orbit, so names equal under simple folding (as encoding/json compares
// them: "K", "k" and U+212A KELVIN SIGN) map to one string.
func foldName(s string) string {
	var b []rune
	for _, r := range s {
		min := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < min {
				min = f
			}
		}
		b = append(b, min)
	}
	return string(b)
}

func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// textProblem says why s may not be stored as text: control characters
// (C0, DEL, C1), and the invisible format characters of Unicode category
// Cf — bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069),
// which make text display in another order than it is stored ("Trojan
// Source", CVE-2021-42574), zero-width characters and the BOM — plus the
// line and paragraph separators U+2028 and U+2029.
func textProblem(s string) error {
	for i, r := range s {
		switch {
		case unicode.IsControl(r):
			return fmt.Errorf("control character U+%04X at byte %d", r, i)
		case unicode.Is(unicode.Bidi_Control, r):
			return fmt.Errorf("bidirectional control character U+%04X at byte %d (it can make text display in another order than it is stored)", r, i)
		case unicode.Is(unicode.Cf, r), r == '\u2028', r == '\u2029':
			return fmt.Errorf("invisible format character U+%04X at byte %d", r, i)
		}
	}
	return nil
}
