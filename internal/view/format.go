package view

import "github.com/netdemo/netdemo/internal/explain"

// FormatCell prints a table cell or a measured value: booleans as words of
// the language, nil as a dash, numbers the way the explanations print them
// (explain.Format: at most two decimals).
func FormatCell(v any, lang string) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case bool:
		switch {
		case x && lang == "zh":
			return "是"
		case lang == "zh":
			return "否"
		case x:
			return "yes"
		}
		return "no"
	case string:
		return x
	}
	return explain.Format(v)
}
