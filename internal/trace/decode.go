package trace

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/netdemo/netdemo/internal/trace/capfile"
)

// The decoder reads headers by hand into a frame that the caller reuses for
// every packet: no layer objects, no allocation, and every length checked
// before it is used, so that hostile input can only make it say
// "malformed", never panic.

// Network layer of a frame.
const (
	netNone = iota
	netIPv4
	netIPv6
	netARP
	netOther       // a link-layer frame we can name but not decode further
	netLLC         // an IEEE 802.3 frame: a length, then an 802.2 LLC header
	netPPPoED      // PPPoE discovery (PADI, PADO...)
	netUnsupported // a link type the decoder cannot read (in a pcapng with several)
)

// TCP header length problems, which tshark treats in two different ways.
const (
	tcpHdrOK       = iota
	tcpHdrPastEnd  // data offset beyond the segment: malformed, not analysed
	tcpHdrTooShort // data offset below 20 bytes: analysed, shown as bogus
)

// IP protocol numbers that get their own treatment.
const (
	protoICMP   = 1
	protoTCP    = 6
	protoUDP    = 17
	protoICMPv6 = 58
)

// TCP flag bits, in the order of the header.
const (
	flagFIN = 1 << iota
	flagSYN
	flagRST
	flagPSH
	flagACK
	flagURG
	flagECE
	flagCWR
	flagAE // accurate ECN, formerly NS
)

// TCP option kinds that tshark prints in the Info column.
const (
	optMSS      = 2
	optWS       = 3
	optSACKPerm = 4
	optSACK     = 5
	optTS       = 8
)

// frame is one decoded packet. Slices point into the capture buffer.
type frame struct {
	num     int
	ts      int64 // Unix nanoseconds
	origLen int

	net         int
	src, dst    [16]byte
	addrLen     int // 4 or 16
	proto       uint8
	ipPayLen    int // transport bytes according to the IP header
	fragment    bool
	ttl         uint8
	linkSrc     [6]byte // Ethernet addresses, for ARP and non-IP frames
	linkDst     [6]byte
	hasLinkAddr bool
	etherType   uint16
	pppProto    uint16 // PPP protocol of a PPP frame that is not IP
	linkType    capfile.LinkType
	noTime      bool // the capture recorded no time (pcapng simple packet block)
	ipID        uint16

	sport, dport uint16
	transport    []byte // transport header and payload as captured

	// TCP
	seq, ack uint32
	flags    uint16
	win      uint16
	urg      uint16
	seglen   int // payload length per the IP header, as tshark's Len=
	hdrLen   int
	hdrState int // tcpHdrOK, tcpHdrPastEnd, tcpHdrTooShort
	opts     tcpOptions

	payload   []byte // captured application bytes (TCP or UDP)
	malformed string // why decoding stopped early; "" when complete
}

type tcpOptions struct {
	order   [12]uint8 // kinds in the order they appear, for the Info column
	n       int
	mss     uint16
	ws      uint8 // shift count
	hasWS   bool
	tsval   uint32
	tsecr   uint32
	sack    [4][2]uint32
	nsack   int
	hasSACK bool
}

// UnsupportedLinkTypeError reports a link type the decoder cannot read.
type UnsupportedLinkTypeError struct{ LinkType capfile.LinkType }

func (e *UnsupportedLinkTypeError) Error() string {
	return "unsupported link type " + linkTypeName(e.LinkType)
}

// linkTypeName is "127 (IEEE802_11_RADIOTAP)", or the bare number for a
// link type without a name.
func linkTypeName(l capfile.LinkType) string {
	if n := l.String(); n != strconv.Itoa(int(l)) {
		return strconv.Itoa(int(l)) + " (" + n + ")"
	}
	return strconv.Itoa(int(l))
}

// linkSupported reports whether decode understands the link type.
func linkSupported(l capfile.LinkType) bool {
	switch l {
	case capfile.LinkNull, capfile.LinkEthernet, capfile.LinkRawBSD12, capfile.LinkRawBSD14,
		capfile.LinkRaw, capfile.LinkLoop, capfile.LinkLinuxSLL, capfile.LinkIPv4,
		capfile.LinkIPv6, capfile.LinkSLL2, linkPPP, linkPPPHDLC, linkPPPoE:
		return true
	}
	return false
}

// PPP link types (https://www.tcpdump.org/linktypes.html).
const (
	linkPPP     capfile.LinkType = 9  // PPP, with or without HDLC-like framing
	linkPPPHDLC capfile.LinkType = 50 // PPP in HDLC-like framing (RFC 1662)
	linkPPPoE   capfile.LinkType = 51 // PPPoE session header, no Ethernet header
)

// decode fills f from one captured packet of the given link type.
func decode(f *frame, link capfile.LinkType, data []byte) {
	*f = frame{num: f.num, ts: f.ts, origLen: f.origLen, noTime: f.noTime, linkType: link}
	switch link {
	case linkPPP, linkPPPHDLC:
		decodePPP(f, data)
	case linkPPPoE:
		decodePPPoESession(f, data)
	case capfile.LinkEthernet:
		decodeEthernet(f, data)
	case capfile.LinkRaw, capfile.LinkRawBSD12, capfile.LinkRawBSD14:
		decodeIP(f, data)
	case capfile.LinkIPv4:
		decodeIPv4(f, data)
	case capfile.LinkIPv6:
		decodeIPv6(f, data)
	case capfile.LinkLinuxSLL:
		if len(data) < 16 {
			f.malformed = "short Linux cooked header"
			return
		}
		decodeEtherType(f, binary.BigEndian.Uint16(data[14:]), data[16:])
	case capfile.LinkSLL2:
		if len(data) < 20 {
			f.malformed = "short Linux cooked v2 header"
			return
		}
		decodeEtherType(f, binary.BigEndian.Uint16(data[0:]), data[20:])
	case capfile.LinkNull, capfile.LinkLoop:
		if len(data) < 4 {
			f.malformed = "short loopback header"
			return
		}
		fam := binary.BigEndian.Uint32(data)
		if link == capfile.LinkNull && fam&0xffff0000 != 0 {
			// NULL uses the byte order of the host that wrote it:
			// a family below 65536 in the high half means little endian.
			fam = binary.LittleEndian.Uint32(data)
		}
		switch fam {
		case 2:
			decodeIPv4(f, data[4:])
		case 10, 24, 28, 30: // AF_INET6 on Linux, NetBSD/OpenBSD, FreeBSD, Darwin
			decodeIPv6(f, data[4:])
		default:
			f.net = netOther
			f.malformed = fmt.Sprintf("loopback family %d", fam)
		}
	default:
		f.net = netUnsupported
	}
}

func decodeEthernet(f *frame, b []byte) {
	if len(b) < 14 {
		f.malformed = "short Ethernet header"
		return
	}
	copy(f.linkDst[:], b[0:6])
	copy(f.linkSrc[:], b[6:12])
	f.hasLinkAddr = true
	et := binary.BigEndian.Uint16(b[12:])
	b = b[14:]
	if et <= 1500 {
		// IEEE 802.3: a length, not an EtherType; an 802.2 LLC header follows.
		decodeLLC(f, et, b)
		return
	}
	for i := 0; i < 2 && (et == 0x8100 || et == 0x88a8); i++ { // VLAN tags
		if len(b) < 4 {
			f.malformed = "short VLAN tag"
			return
		}
		et = binary.BigEndian.Uint16(b[2:])
		b = b[4:]
	}
	decodeEtherType(f, et, b)
}

func decodeEtherType(f *frame, et uint16, b []byte) {
	f.etherType = et
	switch et {
	case 0x0800:
		decodeIPv4(f, b)
	case 0x86dd:
		decodeIPv6(f, b)
	case 0x0806:
		f.net = netARP
		f.transport = b
	case 0x8864:
		decodePPPoESession(f, b)
	case 0x8863:
		f.net = netPPPoED
		f.transport = b
	default:
		f.net = netOther
		f.transport = b
	}
}

// decodePPPoESession reads a PPPoE session header (RFC 2516 §4: version,
// type, code, session id, length) and the PPP frame it carries.
func decodePPPoESession(f *frame, b []byte) {
	if len(b) < 6 {
		f.malformed = "short PPPoE header"
		return
	}
	n := int(binary.BigEndian.Uint16(b[4:]))
	b = b[6:]
	if n < len(b) {
		b = b[:n] // drop Ethernet padding
	}
	decodePPP(f, b)
}

// decodePPP reads a PPP frame: the optional address and control bytes of
// HDLC-like framing (RFC 1662 §3.1), then the protocol field, which may be
// compressed to one byte (RFC 1661 §6.5).
func decodePPP(f *frame, b []byte) {
	if len(b) >= 2 && b[0] == 0xff && b[1] == 0x03 {
		b = b[2:]
	}
	if len(b) < 1 {
		f.malformed = "short PPP header"
		return
	}
	var proto uint16
	if b[0]&1 == 1 {
		proto, b = uint16(b[0]), b[1:]
	} else {
		if len(b) < 2 {
			f.malformed = "short PPP header"
			return
		}
		proto, b = binary.BigEndian.Uint16(b), b[2:]
	}
	switch proto {
	case 0x0021:
		decodeIPv4(f, b)
	case 0x0057:
		decodeIPv6(f, b)
	default:
		f.net = netOther
		f.pppProto = proto
		f.transport = b
	}
}

// decodeLLC reads the 802.2 LLC header of an 802.3 frame of length n.
func decodeLLC(f *frame, n uint16, b []byte) {
	if int(n) < len(b) {
		b = b[:n] // drop Ethernet padding
	}
	f.net = netLLC
	f.etherType = n
	f.transport = b
}

func decodeIP(f *frame, b []byte) {
	if len(b) == 0 {
		f.malformed = "empty packet"
		return
	}
	switch b[0] >> 4 {
	case 4:
		decodeIPv4(f, b)
	case 6:
		decodeIPv6(f, b)
	default:
		f.malformed = fmt.Sprintf("IP version %d", b[0]>>4)
	}
}

func decodeIPv4(f *frame, b []byte) {
	if len(b) < 20 || b[0]>>4 != 4 {
		f.malformed = "short or bad IPv4 header"
		return
	}
	ihl := int(b[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(b[2:]))
	if ihl < 20 || len(b) < ihl {
		f.malformed = "bad IPv4 header length"
		return
	}
	f.net = netIPv4
	f.addrLen = 4
	copy(f.src[:4], b[12:16])
	copy(f.dst[:4], b[16:20])
	f.proto = b[9]
	f.ttl = b[8]
	f.ipID = binary.BigEndian.Uint16(b[4:])
	if total < ihl {
		// TSO/GSO captures write 0: trust the captured length.
		total = len(b)
	}
	f.ipPayLen = total - ihl
	if total < len(b) {
		b = b[:total] // drop Ethernet padding
	}
	if frag := binary.BigEndian.Uint16(b[6:]); frag&0x1fff != 0 {
		f.fragment = true // not the first fragment: no transport header here
		f.transport = b[ihl:]
		return
	}
	decodeTransport(f, b[ihl:])
}

func decodeIPv6(f *frame, b []byte) {
	if len(b) < 40 || b[0]>>4 != 6 {
		f.malformed = "short or bad IPv6 header"
		return
	}
	f.net = netIPv6
	f.addrLen = 16
	copy(f.src[:], b[8:24])
	copy(f.dst[:], b[24:40])
	f.ttl = b[7]
	plen := int(binary.BigEndian.Uint16(b[4:]))
	next := b[6]
	b = b[40:]
	if plen == 0 {
		plen = len(b) // jumbogram or offloaded capture: trust the capture
	}
	if plen < len(b) {
		b = b[:plen]
	}
	// Skip extension headers: hop-by-hop, routing, fragment, destination options.
	for i := 0; i < 8; i++ {
		switch next {
		case 0, 43, 60:
			if len(b) < 8 {
				f.malformed = "short IPv6 extension header"
				return
			}
			n := (int(b[1]) + 1) * 8
			if n > len(b) {
				f.malformed = "short IPv6 extension header"
				return
			}
			next, b, plen = b[0], b[n:], plen-n
			continue
		case 44:
			if len(b) < 8 {
				f.malformed = "short IPv6 fragment header"
				return
			}
			off := binary.BigEndian.Uint16(b[2:]) >> 3
			next, b, plen = b[0], b[8:], plen-8
			if off != 0 {
				f.proto, f.fragment, f.transport, f.ipPayLen = next, true, b, max(plen, 0)
				return
			}
			continue
		}
		break
	}
	f.proto = next
	f.ipPayLen = max(plen, 0)
	decodeTransport(f, b)
}

func decodeTransport(f *frame, b []byte) {
	f.transport = b
	switch f.proto {
	case protoTCP:
		decodeTCP(f, b)
	case protoUDP:
		if len(b) < 8 {
			f.malformed = "short UDP header"
			return
		}
		f.sport = binary.BigEndian.Uint16(b)
		f.dport = binary.BigEndian.Uint16(b[2:])
		ulen := int(binary.BigEndian.Uint16(b[4:]))
		if ulen < 8 {
			ulen = f.ipPayLen // 0 in jumbograms and some offloaded captures
		}
		f.seglen = max(ulen-8, 0)
		f.payload = b[8:]
		if len(f.payload) > f.seglen {
			f.payload = f.payload[:f.seglen]
		}
	}
}

func decodeTCP(f *frame, b []byte) {
	if len(b) < 20 {
		f.malformed = "short TCP header"
		return
	}
	f.sport = binary.BigEndian.Uint16(b)
	f.dport = binary.BigEndian.Uint16(b[2:])
	f.seq = binary.BigEndian.Uint32(b[4:])
	f.ack = binary.BigEndian.Uint32(b[8:])
	hl := int(b[12]>>4) * 4
	f.hdrLen = hl
	f.flags = uint16(b[12]&1)<<8 | uint16(b[13])
	f.win = binary.BigEndian.Uint16(b[14:])
	f.urg = binary.BigEndian.Uint16(b[18:])
	// tshark analyses a segment whose header length is below 20 bytes as
	// one whose payload starts there, but skips one whose header would
	// run past the end of the segment: that is a malformed packet.
	if hl < 20 {
		f.hdrState = tcpHdrTooShort
		f.seglen = max(f.ipPayLen-hl, 0)
		return
	}
	if hl > f.ipPayLen {
		f.hdrState = tcpHdrPastEnd
		f.malformed = "TCP header length beyond the segment"
		return
	}
	if hl > len(b) {
		f.malformed = "bad TCP header length" // cut short by the capture's snaplen
		hl = len(b)
	}
	parseTCPOptions(&f.opts, b[20:hl])
	f.seglen = max(f.ipPayLen-hl, 0)
	f.payload = b[hl:]
	if len(f.payload) > f.seglen {
		f.payload = f.payload[:f.seglen]
	}
}

func parseTCPOptions(o *tcpOptions, b []byte) {
	for len(b) > 0 {
		kind := b[0]
		if kind == 0 { // end of options
			return
		}
		if kind == 1 { // NOP
			b = b[1:]
			continue
		}
		if len(b) < 2 || int(b[1]) < 2 || int(b[1]) > len(b) {
			return
		}
		v := b[2:b[1]]
		ok := true
		switch kind {
		case optMSS:
			if ok = len(v) == 2; ok {
				o.mss = binary.BigEndian.Uint16(v)
			}
		case optWS:
			if ok = len(v) == 1; ok {
				o.ws, o.hasWS = min(v[0], 14), true
			}
		case optSACKPerm:
			ok = len(v) == 0
		case optSACK:
			o.hasSACK = true
			for o.nsack = 0; len(v) >= 8 && o.nsack < len(o.sack); o.nsack++ {
				o.sack[o.nsack] = [2]uint32{binary.BigEndian.Uint32(v), binary.BigEndian.Uint32(v[4:])}
				v = v[8:]
			}
		case optTS:
			if ok = len(v) == 8; ok {
				o.tsval = binary.BigEndian.Uint32(v)
				o.tsecr = binary.BigEndian.Uint32(v[4:])
			}
		default:
			ok = false
		}
		if ok && o.n < len(o.order) {
			o.order[o.n] = kind
			o.n++
		}
		b = b[b[1]:]
	}
}
