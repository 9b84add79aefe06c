package quicdemo

import "github.com/netdemo/netdemo/internal/dissect/quichdr"

// quicPackets names the QUIC packets coalesced in one datagram (RFC 9000
// §12.2), for example [Initial 0-RTT]; quichdr.Packets reads the headers.
func quicPackets(d []byte) []string {
	var names []string
	for _, t := range quichdr.Packets(d) {
		names = append(names, t.String())
	}
	return names
}
