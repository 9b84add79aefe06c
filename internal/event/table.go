package event

// Table is a table of values: columns with names and units, rows of cells.
// Cells keep their types (int, float64, string, bool, nil for "none"), so
// --json carries numbers as numbers; views format them.
type Table struct {
	Head
	ID      string   `json:"id"`
	Title   string   `json:"title,omitempty"`
	Columns []Column `json:"columns"`
	Rows    [][]any  `json:"rows"`
}

// Column describes one column.
type Column struct {
	Name string `json:"name"`
	Unit string `json:"unit,omitempty"`
	// Align is "left" or "right"; numbers default to right.
	Align string `json:"align,omitempty"`
	// Key marks the column that names the row (kept when a narrow view
	// folds the table into records).
	Key bool `json:"key,omitempty"`
}

// NewTable starts a table with the named columns. A column name may carry
// its unit after a "|": "latency|ms".
func NewTable(id string, columns ...string) *Table {
	t := &Table{Head: Head{Kind: "table"}, ID: id}
	for i, c := range columns {
		col := Column{Name: c}
		for j := 0; j < len(c); j++ {
			if c[j] == '|' {
				col.Name, col.Unit = c[:j], c[j+1:]
				break
			}
		}
		col.Key = i == 0
		t.Columns = append(t.Columns, col)
	}
	return t
}

// Row appends a row; missing cells are nil.
func (t *Table) Row(cells ...any) *Table {
	row := make([]any, len(t.Columns))
	copy(row, cells)
	t.Rows = append(t.Rows, row)
	return t
}

// Titled sets the title.
func (t *Table) Titled(title string) *Table { t.Title = title; return t }

// AlignLeft makes the named columns (by index) left-aligned.
func (t *Table) AlignLeft(cols ...int) *Table {
	for _, i := range cols {
		if i >= 0 && i < len(t.Columns) {
			t.Columns[i].Align = "left"
		}
	}
	return t
}
