package tcplife

import (
	"strconv"
	"strings"
)

// parseNetstat reads one counter from the text of Linux's /proc/net/netstat
// (or /proc/net/snmp): pairs of lines, a header "TcpExt: Name1 Name2 …"
// and a line of values "TcpExt: 1 2 …". It reports whether the counter
// was found with a value. Malformed text finds nothing; it never panics.
func parseNetstat(text, group, name string) (uint64, bool) {
	lines := strings.Split(text, "\n")
	for i := 0; i+1 < len(lines); i++ {
		head, vals := strings.Fields(lines[i]), strings.Fields(lines[i+1])
		if len(head) == 0 || head[0] != group+":" || len(vals) != len(head) || vals[0] != head[0] {
			continue
		}
		for j := 1; j < len(head); j++ {
			if head[j] == name {
				v, err := strconv.ParseUint(vals[j], 10, 64)
				return v, err == nil
			}
		}
		i++ // skip the values line
	}
	return 0, false
}
