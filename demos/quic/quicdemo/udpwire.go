package quicdemo

// quicPackets names the QUIC packets coalesced in one datagram
// (RFC 9000 §12.2), for example [Initial 0-RTT]. A long header (first bit
// set) carries its type in bits 4-5 (QUIC version 1: Initial 0, 0-RTT 1,
// Handshake 2, Retry 3) and its length, so the next packet can be found; a
// short header (1-RTT) runs to the end of the datagram. Parsing stops, with
// what it found so far, at anything it cannot read.
func quicPackets(d []byte) []string {
	var types []string
	for len(d) > 0 {
		if d[0]&0x80 == 0 {
			return append(types, "1-RTT")
		}
		typ := (d[0] >> 4) & 0x3
		name := [...]string{"Initial", "0-RTT", "Handshake", "Retry"}[typ]
		types = append(types, name)
		if typ == 3 || len(d) < 6 {
			return types // a Retry has no length field and ends the datagram
		}
		rest := d[5:] // first byte, version
		for range 2 { // destination, then source connection ID
			if len(rest) < 1 || len(rest) < 1+int(rest[0]) {
				return types
			}
			rest = rest[1+int(rest[0]):]
		}
		if typ == 0 { // Initial: token length and token
			n, k := varint(rest)
			if k == 0 || uint64(len(rest)-k) < n {
				return types
			}
			rest = rest[k+int(n):]
		}
		n, k := varint(rest)
		if k == 0 || uint64(len(rest)-k) < n {
			return types
		}
		d = rest[k+int(n):]
	}
	return types
}

// varint reads a QUIC variable-length integer (RFC 9000 §16); k is the
// number of bytes it took, 0 if b is too short.
func varint(b []byte) (v uint64, k int) {
	if len(b) == 0 {
		return 0, 0
	}
	k = 1 << (b[0] >> 6)
	if len(b) < k {
		return 0, 0
	}
	v = uint64(b[0] & 0x3f)
	for _, c := range b[1:k] {
		v = v<<8 | uint64(c)
	}
	return v, k
}
