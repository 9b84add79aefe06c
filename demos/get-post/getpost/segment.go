package getpost

import "encoding/binary"

// tcpSegment reads the ports and the payload length of a TCP segment in an
// IPv4 packet (RFC 791 header, then RFC 9293 header). ok is false for
// anything else or for a packet too short to hold what its headers claim.
func tcpSegment(pkt []byte) (srcPort, dstPort uint16, payload int, ok bool) {
	if len(pkt) < 20 || pkt[0]>>4 != 4 || pkt[9] != 6 {
		return 0, 0, 0, false
	}
	ihl := int(pkt[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(pkt[2:4]))
	if ihl < 20 || total > len(pkt) || total < ihl+20 {
		return 0, 0, 0, false
	}
	tcp := pkt[ihl:total]
	doff := int(tcp[12]>>4) * 4
	if doff < 20 || doff > len(tcp) {
		return 0, 0, 0, false
	}
	return binary.BigEndian.Uint16(tcp[0:2]), binary.BigEndian.Uint16(tcp[2:4]), len(tcp) - doff, true
}
