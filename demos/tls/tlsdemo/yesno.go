package tlsdemo

import "github.com/netdemo/netdemo/internal/demo"

// yesNo prints an observed truth value: true/false in English, as the JSON
// has it, and 是/否 in Chinese.
func yesNo(r *demo.Run, b bool) string {
	if b {
		return r.T("true", "是")
	}
	return r.T("false", "否")
}
