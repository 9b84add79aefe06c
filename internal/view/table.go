package view

import (
	"strings"

	"github.com/netdemo/netdemo/internal/event"
	"github.com/netdemo/netdemo/internal/term"
)

// layoutTable lays a table out within width cells (0: no limit), indented
// by indent. Columns that do not fit are narrowed by wrapping the widest
// text column; when even that fails the table is folded into one record
// per row ("key" then "column: value" lines), which always fits.
func layoutTable(head []string, rows [][]string, right []bool, width int, indent string, st term.Style) []string {
	ncol := len(head)
	w := make([]int, ncol)
	for i, h := range head {
		w[i] = cells(h)
	}
	for _, row := range rows {
		for i := 0; i < ncol && i < len(row); i++ {
			w[i] = max(w[i], cells(row[i]))
		}
	}
	const gap = 2
	total := func() int {
		n := cells(indent)
		for _, x := range w {
			n += x
		}
		return n + gap*(ncol-1)
	}
	if width > 0 && total() > width {
		// Narrow the widest wrappable column, repeatedly, down to 12 cells.
		for total() > width {
			best := -1
			for i := range w {
				if !right[i] && w[i] > 12 && (best < 0 || w[i] > w[best]) {
					best = i
				}
			}
			if best < 0 {
				break
			}
			w[best] = max(12, w[best]-(total()-width))
		}
		if total() > width {
			return foldRecords(head, rows, width, indent, st)
		}
	}
	var out []string
	emit := func(cellsOf []string, bold bool) {
		// Each cell may wrap to several lines.
		wrapped := make([][]string, ncol)
		height := 1
		for i := 0; i < ncol; i++ {
			c := ""
			if i < len(cellsOf) {
				c = cellsOf[i]
			}
			if cells(c) > w[i] {
				wrapped[i] = Wrap(c, w[i], "", "")
			} else {
				wrapped[i] = []string{c}
			}
			height = max(height, len(wrapped[i]))
		}
		for l := 0; l < height; l++ {
			var b strings.Builder
			b.WriteString(indent)
			for i := 0; i < ncol; i++ {
				c := ""
				if l < len(wrapped[i]) {
					c = wrapped[i][l]
				}
				if bold {
					c = st.Bold(c)
				}
				if i == ncol-1 && !right[i] {
					b.WriteString(c)
					break
				}
				b.WriteString(pad(c, w[i], right[i]))
				if i < ncol-1 {
					b.WriteString(strings.Repeat(" ", gap))
				}
			}
			out = append(out, strings.TrimRight(b.String(), " "))
		}
	}
	emit(head, true)
	for _, row := range rows {
		emit(row, false)
	}
	return out
}

// foldRecords prints each row as a record: its first cell, then one
// "column: value" line per other cell.
func foldRecords(head []string, rows [][]string, width int, indent string, st term.Style) []string {
	var out []string
	for _, row := range rows {
		key := ""
		if len(row) > 0 {
			key = row[0]
		}
		if key == "" && len(head) > 0 {
			key = head[0]
		}
		out = append(out, Wrap(st.Bold(key), width, indent, indent)...)
		for i := 1; i < len(head) && i < len(row); i++ {
			if row[i] == "" {
				continue
			}
			label := head[i] + ": "
			out = append(out, Wrap(row[i], width, indent+"  "+st.Dim(label), indent+"    ")...)
		}
	}
	return out
}

// tableText formats an event.Table's cells for the text view.
func tableText(t *event.Table, lang string) (head []string, rows [][]string, right []bool) {
	n := len(t.Columns)
	head = make([]string, n)
	right = make([]bool, n)
	numeric := make([]bool, n)
	for i := range numeric {
		numeric[i] = len(t.Rows) > 0
	}
	for _, row := range t.Rows {
		for i := 0; i < n && i < len(row); i++ {
			switch row[i].(type) {
			case int, int64, int32, uint, uint32, uint64, float64, float32, nil:
			default:
				numeric[i] = false
			}
		}
	}
	for i, c := range t.Columns {
		head[i] = c.Name
		if c.Unit != "" {
			head[i] += " (" + c.Unit + ")"
		}
		switch c.Align {
		case "left":
			right[i] = false
		case "right":
			right[i] = true
		default:
			right[i] = numeric[i] && i > 0
		}
	}
	for _, row := range t.Rows {
		r := make([]string, n)
		for i := 0; i < n && i < len(row); i++ {
			r[i] = FormatCell(row[i], lang)
		}
		rows = append(rows, r)
	}
	return head, rows, right
}
