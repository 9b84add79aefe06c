package quicdemo

import (
	"bytes"
	"io"
	"strings"
	"unicode"
)

// textTable lines up tab-separated cells like text/tabwriter, but measures
// cells in terminal columns, not runes: a Chinese character takes two
// columns, so text/tabwriter would misalign the Chinese tables.
type textTable struct {
	w   io.Writer
	buf bytes.Buffer
}

func newTable(w io.Writer) *textTable { return &textTable{w: w} }

// Write collects lines of tab-separated cells until Flush.
func (t *textTable) Write(p []byte) (int, error) { return t.buf.Write(p) }

// Flush writes the collected lines, each cell padded to its column's width
// plus two spaces (the last cell is not padded).
func (t *textTable) Flush() error {
	lines := strings.Split(strings.TrimSuffix(t.buf.String(), "\n"), "\n")
	t.buf.Reset()
	if len(lines) == 1 && lines[0] == "" {
		return nil
	}
	var widths []int
	rows := make([][]string, len(lines))
	for i, l := range lines {
		rows[i] = strings.Split(l, "\t")
		for j, c := range rows[i] {
			if j == len(widths) {
				widths = append(widths, 0)
			}
			widths[j] = max(widths[j], displayWidth(c))
		}
	}
	var out strings.Builder
	for _, row := range rows {
		for j, c := range row {
			out.WriteString(c)
			if j < len(row)-1 {
				out.WriteString(strings.Repeat(" ", widths[j]-displayWidth(c)+2))
			}
		}
		out.WriteByte('\n')
	}
	_, err := io.WriteString(t.w, out.String())
	return err
}

// displayWidth counts terminal columns: two for East Asian wide characters
// (Han, Hiragana, Katakana, Hangul, full-width forms and CJK punctuation),
// one for everything else.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul),
			r >= 0x3000 && r <= 0x303f, r >= 0xff00 && r <= 0xff60, r >= 0xffe0 && r <= 0xffe6:
			n += 2
		default:
			n++
		}
	}
	return n
}
