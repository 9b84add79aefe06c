package view

import (
	"strings"
	"unicode/utf8"
)

func decodeRune(s string) (rune, int) { return utf8.DecodeRuneInString(s) }

// token is an unbreakable piece of a line: a word, one CJK character (with
// the punctuation that must stay with it), an escape sequence riding along.
type token struct {
	text  string
	cells int
	space bool // a space separated it from the previous token
}

// noLineStart are characters that may not begin a line (closing
// punctuation); noLineEnd may not end one (opening brackets).
const (
	noLineStart = "，。、；：！？）」』》】〉…—,.;:!?)]}%"
	noLineEnd   = "（「『《【〈([{"
)

func isWide(r rune) bool { return runeCells(r) == 2 }

// tokenize splits s into tokens: runs of non-space narrow runes, single wide
// runes, punctuation glued to its neighbour.
func tokenize(s string) []token {
	var toks []token
	var cur strings.Builder
	curCells := 0
	space := false
	glueNext := false
	flush := func() {
		if cur.Len() == 0 {
			return
		}
		toks = append(toks, token{text: cur.String(), cells: curCells, space: space})
		cur.Reset()
		curCells = 0
		space = false
	}
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			j := skipEscape(s, i)
			cur.WriteString(s[i:j])
			i = j
			continue
		}
		r, size := decodeRune(s[i:])
		i += size
		switch {
		case r == ' ':
			flush()
			space = true
			glueNext = false
			continue
		case strings.ContainsRune(noLineStart, r):
			// Closing punctuation stays with what precedes it.
			if cur.Len() == 0 && len(toks) > 0 && !space {
				last := &toks[len(toks)-1]
				last.text += string(r)
				last.cells += runeCells(r)
				continue
			}
		case isWide(r):
			if !glueNext {
				flush()
			}
			cur.WriteRune(r)
			curCells += 2
			glueNext = strings.ContainsRune(noLineEnd, r)
			if !glueNext {
				flush()
			}
			continue
		}
		if glueNext {
			glueNext = false
		} else if cur.Len() > 0 && isWideText(cur.String()) {
			flush()
		}
		cur.WriteRune(r)
		curCells += runeCells(r)
	}
	flush()
	return toks
}

// isWideText reports whether the last visible rune of s is wide.
func isWideText(s string) bool {
	plain := StripANSI(s)
	r, _ := utf8.DecodeLastRuneInString(plain)
	return r != utf8.RuneError && isWide(r)
}

// Wrap breaks s into lines of at most width cells: the first line starts
// with first, later ones with rest (a hanging indent). width 0 means no
// wrapping. A token wider than the line is cut.
func Wrap(s string, width int, first, rest string) []string {
	if width <= 0 {
		return []string{first + s}
	}
	toks := tokenize(s)
	var lines []string
	line := first
	lineCells := cells(first)
	empty := true
	for _, t := range toks {
		sep := 0
		if t.space && !empty {
			sep = 1
		}
		if !empty && lineCells+sep+t.cells > width {
			lines = append(lines, line)
			line, lineCells, empty, sep = rest, cells(rest), true, 0
		}
		if empty && lineCells+t.cells > width {
			// Cut a token that fits no line.
			for _, piece := range cut(t.text, width-lineCells, width-cells(rest)) {
				if !empty {
					lines = append(lines, line)
					line, lineCells = rest, cells(rest)
				}
				line += piece
				lineCells += cells(piece)
				empty = false
			}
			continue
		}
		if sep == 1 {
			line += " "
		}
		line += t.text
		lineCells += sep + t.cells
		empty = false
	}
	lines = append(lines, line)
	return lines
}

// cut splits a token into pieces: the first at most firstW cells, the
// others at most w; escape sequences are dropped.
func cut(s string, firstW, w int) []string {
	s = StripANSI(s)
	var out []string
	limit := max(firstW, 1)
	var b strings.Builder
	n := 0
	for _, r := range s {
		c := runeCells(r)
		if n+c > limit && n > 0 {
			out = append(out, b.String())
			b.Reset()
			n = 0
			limit = max(w, 1)
		}
		b.WriteRune(r)
		n += c
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

// Fold cuts a pre-formatted line into pieces of at most width cells,
// continuing with indent, without reflowing it.
func Fold(s string, width int, indent string) []string {
	if width <= 0 || cells(s) <= width {
		return []string{s}
	}
	pieces := cut(s, width, width-cells(indent))
	for i := 1; i < len(pieces); i++ {
		pieces[i] = indent + pieces[i]
	}
	return pieces
}

// leadingSpaces returns s's leading spaces and the rest.
func leadingSpaces(s string) (string, string) {
	t := strings.TrimLeft(s, " ")
	return s[:len(s)-len(t)], t
}
