package lab

import (
	"github.com/netdemo/netdemo/internal/netx"

	"gvisor.dev/gvisor/pkg/buffer"
)

// Inject puts one raw IPv4 packet on link 0 in direction d, as if the
// sending host's stack had sent it: it is numbered, judged by the rule and
// the random model, shown to the taps and the pcap, and delivered to the
// other host after the link's delay. Its source address may be any address
// at all, which is what a demo of spoofed traffic (a SYN flood) needs; the
// receiving stack checks the checksums as it would for any packet.
//
// The lab keeps its own copy of pkt. Like sending on a connection, Inject
// must not be called from a tap or a rule.
func (l *Lab) Inject(d netx.Direction, pkt []byte) {
	l.cables[0].transmit(d, buffer.MakeWithData(append([]byte(nil), pkt...)))
}
