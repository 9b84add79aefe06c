package quichdr

// PacketType is the kind of a QUIC packet.
type PacketType uint8

// Packet types. The first four are long headers, numbered as QUIC version 1
// numbers them in the first byte's bits 4-5 (RFC 9000 §17.2); 1-RTT packets
// have a short header (§17.3).
const (
	Initial PacketType = iota
	ZeroRTT
	Handshake
	Retry
	OneRTT
	VersionNegotiation // a long header with version 0 (RFC 9000 §17.2.1)
)

var typeNames = [...]string{"Initial", "0-RTT", "Handshake", "Retry", "1-RTT", "Version Negotiation"}

// String is the name RFC 9000 and Wireshark give the type: "Initial",
// "0-RTT", "1-RTT"...
func (t PacketType) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "unknown"
}

// Versions whose long-header types are known.
const (
	Version1 uint32 = 0x00000001 // RFC 9000
	Version2 uint32 = 0x6b3343cf // RFC 9369: same packets, types renumbered
)

// MaxConnIDLen is the longest connection ID QUIC versions 1 and 2 allow
// (RFC 9000 §17.2).
const MaxConnIDLen = 20

// IsLong says whether a packet starting with this byte has a long header.
func IsLong(first byte) bool { return first&0x80 != 0 }

// FixedBit says whether the fixed bit (0x40) is set, as it must be in every
// version 1 and 2 packet except a Version Negotiation (RFC 9000 §17.2).
func FixedBit(first byte) bool { return first&0x40 != 0 }

// LongType is the type of a long-header packet with this first byte and
// version, and false for a version whose types it does not know. Drafts of
// version 1 (0xff0000xx) number types as version 1 does.
func LongType(first byte, version uint32) (PacketType, bool) {
	bits := first >> 4 & 3
	switch {
	case version == 0:
		return VersionNegotiation, true
	case version == Version1 || version&0xffffff00 == 0xff000000:
		return PacketType(bits), true
	case version == Version2:
		return [4]PacketType{Retry, Initial, ZeroRTT, Handshake}[bits], true
	}
	return 0, false
}

// Varint reads a QUIC variable-length integer (RFC 9000 §16); k is the
// number of bytes it took, 0 if b is too short.
func Varint(b []byte) (v uint64, k int) {
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

// Packets lists the packets coalesced in one UDP datagram (RFC 9000
// §12.2), for example [Initial 0-RTT]. A long header carries its length,
// so the next packet can be found; a short header (1-RTT) runs to the end
// of the datagram, as do a Retry and a Version Negotiation, which have no
// length field. Parsing stops, with what it found so far, at anything it
// cannot read: a version it does not know, a connection ID or a length
// past the end.
func Packets(d []byte) []PacketType {
	var types []PacketType
	for len(d) > 0 {
		if !IsLong(d[0]) {
			return append(types, OneRTT)
		}
		if len(d) < 5 {
			return types
		}
		version := uint32(d[1])<<24 | uint32(d[2])<<16 | uint32(d[3])<<8 | uint32(d[4])
		typ, ok := LongType(d[0], version)
		if !ok {
			return types
		}
		types = append(types, typ)
		if typ == Retry || typ == VersionNegotiation || len(d) < 6 {
			return types
		}
		rest := d[5:] // first byte, version
		for range 2 { // destination, then source connection ID
			if len(rest) < 1 || len(rest) < 1+int(rest[0]) {
				return types
			}
			rest = rest[1+int(rest[0]):]
		}
		if typ == Initial { // token length and token
			n, k := Varint(rest)
			if k == 0 || uint64(len(rest)-k) < n {
				return types
			}
			rest = rest[k+int(n):]
		}
		n, k := Varint(rest)
		if k == 0 || uint64(len(rest)-k) < n {
			return types
		}
		d = rest[k+int(n):]
	}
	return types
}
