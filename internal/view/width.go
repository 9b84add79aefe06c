package view

import (
	"os"
	"strconv"
	"strings"

	"github.com/mattn/go-runewidth"
	xterm "golang.org/x/term"
)

// Width is the number of display cells a line may take on out: the
// terminal's width, 80 when it is a terminal of unknown size, COLUMNS when
// set, and 0 (no wrapping) for a pipe or file.
func Width(out any) int {
	if f, ok := out.(interface{ Fd() uintptr }); ok && xterm.IsTerminal(int(f.Fd())) {
		if w, _, err := xterm.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
		return 80
	}
	if c, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && c > 0 {
		return c
	}
	return 0
}

// cells is the display width of s, skipping ANSI escape sequences: wide
// (CJK) runes count 2, combining marks 0.
func cells(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			i = skipEscape(s, i)
			continue
		}
		r, size := decodeRune(s[i:])
		n += runeCells(r)
		i += size
	}
	return n
}

func runeCells(r rune) int {
	if r == '\t' {
		return 8
	}
	return runewidth.RuneWidth(r)
}

// skipEscape returns the index after the escape sequence starting at i
// (CSI sequences: ESC [ … final byte).
func skipEscape(s string, i int) int {
	j := i + 1
	if j < len(s) && s[j] == '[' {
		j++
		for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
			j++
		}
		return min(j+1, len(s))
	}
	return j
}

// pad fills s with spaces to w cells, on the left when right is true.
func pad(s string, w int, right bool) string {
	n := w - cells(s)
	if n <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", n) + s
	}
	return s + strings.Repeat(" ", n)
}

// StripANSI removes escape sequences (for tests and width checks).
func StripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			i = skipEscape(s, i)
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// Cells is the display width of s (exported for tests that check lines).
func Cells(s string) int { return cells(s) }
