package tcpudp

import (
	"fmt"
	"strings"

	"github.com/netdemo/netdemo/internal/packet"
)

// flagString names TCP flags the way tcpdump's readers say them: "SYN",
// "SYN-ACK", "ACK", "PSH-ACK", "FIN-ACK". It is the demo's own wording
// (packet.Flags.String writes tshark's "SYN, ACK"): the tables, the JSON
// events and the README's "SYN → SYN-ACK → ACK" all use it.
func flagString(f packet.Flags) string {
	var parts []string
	for _, n := range []struct {
		bit  packet.Flags
		name string
	}{{packet.SYN, "SYN"}, {packet.FIN, "FIN"}, {packet.RST, "RST"}, {packet.PSH, "PSH"}, {packet.URG, "URG"}, {packet.ACK, "ACK"}} {
		if f.Has(n.bit) {
			parts = append(parts, n.name)
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "-")
}

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
