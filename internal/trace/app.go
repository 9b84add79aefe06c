package trace

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"strconv"

	"github.com/netdemo/netdemo/internal/dissect/quichdr"
	"github.com/netdemo/netdemo/internal/dissect/tlsrec"
)

// Application protocols are recognised from the first bytes of a payload,
// as tshark's heuristics do: an HTTP request or status line, a TLS record
// header, a QUIC long header, a DNS message on port 53. Only what the Info
// column and the note need is parsed, with every length checked.

// appResult is what recognition found: the Protocol column, the Info text
// and the note.
type appResult struct {
	proto string
	info  []byte // appended to a reused buffer
	note  note
}

var httpMethods = [...]string{"GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE "}

// looksHTTP is a quick test of the first bytes, so that binary payloads
// are not searched for a line end.
func looksHTTP(p []byte) bool {
	switch p[0] {
	case 'H': // HTTP/1.x status line, or HEAD
		return p[1] == 'T' || p[1] == 'E'
	case 'G', 'P', 'D', 'O', 'C', 'T':
		return p[1] >= 'A' && p[1] <= 'Z'
	}
	return false
}

// detectHTTP recognises a request or status line at the start of p.
func detectHTTP(p []byte, r *appResult) bool {
	if len(p) < 9 || !looksHTTP(p) {
		return false
	}
	line := p
	if i := bytes.IndexByte(p, '\n'); i >= 0 {
		line = p[:i]
	} else if len(p) > 512 {
		return false
	}
	line = bytes.TrimSuffix(line, []byte("\r"))
	if bytes.HasPrefix(line, []byte("HTTP/1.")) && len(line) >= 12 {
		r.proto = "HTTP"
		r.info = append(append(r.info, line...), ' ')
		r.note = note{id: noteHTTPResponse, s: string(line[9:])}
		return true
	}
	for _, m := range httpMethods {
		if bytes.HasPrefix(line, []byte(m)) && bytes.Contains(line, []byte(" HTTP/1.")) {
			r.proto = "HTTP"
			r.info = append(append(r.info, line...), ' ')
			target := line[:bytes.LastIndexByte(line, ' ')]
			r.note = note{id: noteHTTPRequest, s: string(target)}
			return true
		}
	}
	return false
}

var tlsVersionNames = map[uint16]string{
	0x0300: "SSLv3", 0x0301: "TLSv1", 0x0302: "TLSv1.1", 0x0303: "TLSv1.2", 0x0304: "TLSv1.3",
}

// detectTLS recognises one or more TLS records at the start of p. fl keeps
// the negotiated version, so that later records (whose header always says
// TLS 1.2) are shown with the version in use, as tshark does.
func detectTLS(p []byte, fl *flow, r *appResult) bool {
	if len(p) < tlsrec.HeaderLen || !tlsRecordType(p[0]) || p[1] != 3 || p[2] > 4 {
		return false
	}
	var ver uint16
	first := true
	for len(p) >= tlsrec.HeaderLen && tlsRecordType(p[0]) && p[1] == 3 {
		typ := tlsrec.ContentType(p[0])
		recVer := binary.BigEndian.Uint16(p[1:])
		n := int(binary.BigEndian.Uint16(p[3:]))
		body := p[tlsrec.HeaderLen:]
		if n < len(body) {
			body = body[:n]
		}
		if !first {
			r.info = append(r.info, ", "...)
		}
		switch typ {
		case tlsrec.ChangeCipherSpec:
			r.info = append(r.info, "Change Cipher Spec"...)
			setNote(r, note{id: noteTLSChangeCipherSpec}, first)
		case tlsrec.Alert:
			r.info = append(r.info, "Alert"...)
			setNote(r, note{id: noteTLSAlert}, first)
		case tlsrec.ApplicationData:
			r.info = append(r.info, "Application Data"...)
			setNote(r, note{id: noteTLSAppData, a: int64(n)}, first)
		case tlsrec.Handshake:
			v := tlsHandshake(body, fl, r, first)
			if v != 0 {
				ver = v
			}
		default:
			r.info = append(r.info, "Heartbeat"...)
		}
		if ver == 0 {
			ver = recVer
		}
		first = false
		if tlsrec.HeaderLen+n > len(p) {
			break // the record continues in the next segment
		}
		p = p[tlsrec.HeaderLen+n:]
	}
	if fl.tlsVer != 0 {
		ver = fl.tlsVer
	}
	r.proto = tlsVersionNames[ver]
	if r.proto == "" {
		r.proto = "TLS"
	}
	return true
}

// tlsRecordType says whether b can start a TLS record: a content type from
// change_cipher_spec to heartbeat.
func tlsRecordType(b byte) bool {
	return tlsrec.ContentType(b) >= tlsrec.ChangeCipherSpec && tlsrec.ContentType(b) <= tlsrec.Heartbeat
}

func setNote(r *appResult, n note, first bool) {
	if first {
		r.note = n
	}
}

// tlsHandshake names a handshake message and returns the TLS version it
// decides (0 if none).
func tlsHandshake(b []byte, fl *flow, r *appResult, first bool) uint16 {
	if len(b) < tlsrec.HandshakeHeaderLen {
		r.info = append(r.info, "Encrypted Handshake Message"...)
		setNote(r, note{id: noteTLSHandshake, s: "encrypted"}, first)
		return 0
	}
	typ := tlsrec.HandshakeType(b[0])
	name, ok := typ.WiresharkName()
	hlen := tlsrec.HandshakeLen(b)
	if !ok || hlen > 1<<16 {
		r.info = append(r.info, "Encrypted Handshake Message"...)
		setNote(r, note{id: noteTLSHandshake, s: "encrypted"}, first)
		return 0
	}
	r.info = append(r.info, name...)
	msg := b[tlsrec.HandshakeHeaderLen:]
	if hlen < len(msg) {
		msg = msg[:hlen]
	}
	switch typ {
	case tlsrec.ClientHello:
		sni, ver := parseHello(msg, true)
		if sni != "" {
			r.info = append(append(append(r.info, " (SNI="...), sni...), ')')
			setNote(r, note{id: noteTLSClientHello, s: sni}, first)
		} else {
			setNote(r, note{id: noteTLSClientHelloNoSNI}, first)
		}
		return ver
	case tlsrec.ServerHello:
		_, ver := parseHello(msg, false)
		if ver != 0 {
			fl.tlsVer = ver
		}
		setNote(r, note{id: noteTLSServerHello}, first)
		return ver
	}
	setNote(r, note{id: noteTLSHandshake, s: name}, first)
	return 0
}

// parseHello reads a ClientHello or ServerHello body and returns the
// server name (ClientHello) and the version: the highest offered in
// supported_versions, the one chosen by the server, or the legacy field.
func parseHello(b []byte, client bool) (sni string, ver uint16) {
	rd := reader{b: b}
	ver = rd.u16()
	rd.skip(32)           // random
	rd.skip(int(rd.u8())) // session id
	if client {
		rd.skip(int(rd.u16())) // cipher suites
		rd.skip(int(rd.u8()))  // compression methods
	} else {
		rd.skip(3) // cipher suite, compression method
	}
	exts := reader{b: rd.bytes(int(rd.u16()))}
	for !exts.bad && len(exts.b) >= 4 {
		typ := exts.u16()
		v := reader{b: exts.bytes(int(exts.u16()))}
		switch typ {
		case 0: // server_name
			v.skip(2)
			if v.u8() == 0 {
				sni = string(v.bytes(int(v.u16())))
			}
		case 43: // supported_versions
			if !client {
				if x := v.u16(); !v.bad {
					ver = x
				}
				continue
			}
			list := reader{b: v.bytes(int(v.u8()))}
			best := uint16(0)
			for len(list.b) >= 2 {
				x := list.u16()
				if x&0x0f0f != 0x0a0a && x > best && x <= 0x0304 { // skip GREASE
					best = x
				}
			}
			if best != 0 {
				ver = best
			}
		}
	}
	if rd.bad && ver > 0x0304 {
		ver = 0
	}
	return sni, ver
}

// reader reads big-endian fields; past the end it returns zeros and sets bad.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) u8() byte {
	if len(r.b) < 1 {
		r.bad = true
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reader) u16() uint16 {
	if len(r.b) < 2 {
		r.bad, r.b = true, nil
		return 0
	}
	v := binary.BigEndian.Uint16(r.b)
	r.b = r.b[2:]
	return v
}

func (r *reader) bytes(n int) []byte {
	if n > len(r.b) {
		r.bad = true
		v := r.b
		r.b = nil
		return v
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) skip(n int) { r.bytes(n) }

// detectQUIC recognises a QUIC long header (any UDP port), or a short
// header on a flow that already showed a long one. It reads only the
// first packet, in place; quichdr gives the types and their names.
func detectQUIC(p []byte, fl *flow, r *appResult) bool {
	if len(p) < 1 {
		return false
	}
	if !quichdr.IsLong(p[0]) {
		if !fl.quic || !quichdr.FixedBit(p[0]) {
			return false
		}
		r.proto = "QUIC"
		r.info = append(r.info, "1-RTT, Protected Payload"...)
		r.note = note{id: noteQUIC1RTT}
		return true
	}
	if len(p) < 6 {
		return false
	}
	version := binary.BigEndian.Uint32(p[1:])
	dcil := int(p[5])
	if dcil > quichdr.MaxConnIDLen || len(p) < 6+dcil {
		return false
	}
	typ, ok := quichdr.LongType(p[0], version)
	if !ok || (typ != quichdr.VersionNegotiation && !quichdr.FixedBit(p[0])) {
		return false
	}
	fl.quic = true
	r.info = append(r.info, typ.String()...)
	switch typ {
	case quichdr.Initial:
		r.note = note{id: noteQUICInitial}
	case quichdr.ZeroRTT:
		r.note = note{id: noteQUIC0RTT}
	case quichdr.Handshake:
		r.note = note{id: noteQUICHandshake}
	case quichdr.Retry:
		r.note = note{id: noteQUICOther, s: "retry"}
	case quichdr.VersionNegotiation:
		r.note = note{id: noteQUICOther, s: "version negotiation"}
	}
	r.info = append(r.info, ", DCID="...)
	r.info = hex.AppendEncode(r.info, p[6:6+dcil])
	r.proto = "QUIC"
	return true
}

var dnsTypes = map[uint16]string{
	1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT",
	28: "AAAA", 33: "SRV", 64: "SVCB", 65: "HTTPS", 255: "ANY",
}

// detectDNS recognises a DNS message on port 53 and names its question.
func detectDNS(p []byte, r *appResult) bool {
	if len(p) < 12 {
		return false
	}
	id := binary.BigEndian.Uint16(p)
	flags := binary.BigEndian.Uint16(p[2:])
	if binary.BigEndian.Uint16(p[4:]) == 0 || flags>>11&0xf > 2 {
		return false
	}
	name, rest, ok := dnsName(p[12:])
	if !ok || len(rest) < 4 {
		return false
	}
	qtype := binary.BigEndian.Uint16(rest)
	r.proto = "DNS"
	if flags&0x8000 != 0 {
		r.info = append(r.info, "Standard query response 0x"...)
		r.note = note{id: noteDNSResponse, s: name}
	} else {
		r.info = append(r.info, "Standard query 0x"...)
		r.note = note{id: noteDNSQuery, s: name}
	}
	r.info = append(r.info, hex4(id)...)
	r.info = append(r.info, ' ')
	if t, ok := dnsTypes[qtype]; ok {
		r.info = append(r.info, t...)
	} else {
		r.info = strconv.AppendUint(r.info, uint64(qtype), 10)
	}
	r.info = append(append(r.info, ' '), name...)
	return true
}

func dnsName(b []byte) (string, []byte, bool) {
	var name []byte
	for i := 0; i < 128; i++ {
		if len(b) == 0 {
			return "", nil, false
		}
		n := int(b[0])
		if n == 0 {
			if len(name) == 0 {
				name = append(name, "<Root>"...)
			}
			return string(name), b[1:], true
		}
		if n >= 0xc0 || 1+n > len(b) {
			return "", nil, false // no compression in a question we print
		}
		if len(name) > 0 {
			name = append(name, '.')
		}
		name = append(name, b[1:1+n]...)
		b = b[1+n:]
	}
	return "", nil, false
}

func hex4(v uint16) []byte {
	const digits = "0123456789abcdef"
	return []byte{digits[v>>12], digits[v>>8&15], digits[v>>4&15], digits[v&15]}
}
