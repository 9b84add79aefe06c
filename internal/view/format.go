package view

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// FormatCell prints a table cell or a measured value: floats with at most
// two decimals, booleans as words of the language, nil as a dash.
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
	case float64:
		return strconv.FormatFloat(x, 'f', decimals(x), 64)
	case float32:
		return FormatCell(float64(x), lang)
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return FormatCell(f, lang)
		}
		return x.String()
	case string:
		return x
	}
	return fmt.Sprint(v)
}

func decimals(x float64) int {
	switch {
	case x == float64(int64(x)):
		return 0
	case x >= 100 || x <= -100:
		return 0
	case x >= 10 || x <= -10:
		return 1
	}
	return 2
}
