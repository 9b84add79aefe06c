package tcpudp

import (
	"fmt"
	"strings"

	"github.com/netdemo/netdemo/internal/demo"
)

// optionNames lists the kinds of TCP options present (RFC 9293 §3.2, RFC
// 7323 for timestamps and window scale, RFC 2018 for SACK), e.g.
// "MSS, SACK-permitted, timestamps, window scale". Unlike
// packet.Packet.ParseOptions, which decodes the values of a SYN's options,
// it names every option in the order the segment carries them, SACK blocks
// and unknown kinds included, and says "malformed" where the list breaks.
func optionNames(opt []byte) string {
	var names []string
	for i := 0; i < len(opt); {
		kind := opt[i]
		if kind == 0 { // end of option list
			break
		}
		if kind == 1 { // no-operation: one byte of padding
			i++
			continue
		}
		if i+1 >= len(opt) || opt[i+1] < 2 {
			names = append(names, "malformed")
			break
		}
		switch kind {
		case 2:
			names = append(names, "MSS")
		case 3:
			names = append(names, "window scale")
		case 4:
			names = append(names, "SACK-permitted")
		case 5:
			names = append(names, "SACK")
		case 8:
			names = append(names, "timestamps")
		default:
			names = append(names, fmt.Sprintf("kind %d", kind))
		}
		i += int(opt[i+1])
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// showOptions renders a list from optionNames for the reader: as it is in
// English, and in Chinese with each option named in Chinese and its RFC
// abbreviation in parentheses (时间戳（TSopt）). The JSON keeps the English
// names.
func showOptions(r *demo.Run, names string) string {
	zh := map[string]string{
		"window scale":   "窗口缩放（WSopt）",
		"SACK-permitted": "允许 SACK（SACK-permitted）",
		"SACK":           "SACK 块",
		"timestamps":     "时间戳（TSopt）",
		"malformed":      "格式错误",
		"none":           "无",
	}
	parts := strings.Split(names, ", ")
	for i, p := range parts {
		if z, ok := zh[p]; ok {
			parts[i] = r.T(p, z)
		} else if k, ok := strings.CutPrefix(p, "kind "); ok {
			parts[i] = r.T(p, "类型 "+k)
		}
	}
	return strings.Join(parts, r.T(", ", "、"))
}
