package tap

import (
	"strings"

	"github.com/netdemo/netdemo/internal/packet"
)

// FlagString names TCP flags the way people say them: "SYN", "SYN-ACK",
// "ACK", "PSH-ACK", "FIN-ACK" ("none" for a segment with no flag).
// packet.Flags.String writes tshark's "SYN, ACK" for the trace reader; the
// demos' tables, JSON events and explanations ("SYN → SYN-ACK → ACK") use
// this one.
func FlagString(f packet.Flags) string {
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
