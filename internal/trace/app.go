package trace

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"strconv"
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

var tlsHandshakeNames = map[byte]string{
	0: "Hello Request", 1: "Client Hello", 2: "Server Hello", 4: "New Session Ticket",
	8: "Encrypted Extensions", 11: "Certificate", 12: "Server Key Exchange",
	13: "Certificate Request", 14: "Server Hello Done", 15: "Certificate Verify",
	16: "Client Key Exchange", 20: "Finished",
}

// detectTLS recognises one or more TLS records at the start of p. fl keeps
// the negotiated version, so that later records (whose header always says
// TLS 1.2) are shown with the version in use, as tshark does.
func detectTLS(p []byte, fl *flow, r *appResult) bool {
	if len(p) < 5 || p[0] < 20 || p[0] > 24 || p[1] != 3 || p[2] > 4 {
		return false
	}
	var ver uint16
	first := true
	for len(p) >= 5 && p[0] >= 20 && p[0] <= 24 && p[1] == 3 {
		typ := p[0]
		recVer := binary.BigEndian.Uint16(p[1:])
		n := int(binary.BigEndian.Uint16(p[3:]))
		body := p[5:]
		if n < len(body) {
			body = body[:n]
		}
		if !first {
			r.info = append(r.info, ", "...)
		}
		switch typ {
		case 20:
			r.info = append(r.info, "Change Cipher Spec"...)
			setNote(r, note{id: noteTLSChangeCipherSpec}, first)
		case 21:
			r.info = append(r.info, "Alert"...)
			setNote(r, note{id: noteTLSAlert}, first)
		case 23:
			r.info = append(r.info, "Application Data"...)
			setNote(r, note{id: noteTLSAppData, a: int64(n)}, first)
		case 22:
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
		if 5+n > len(p) {
			break // the record continues in the next segment
		}
		p = p[5+n:]
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

func setNote(r *appResult, n note, first bool) {
	if first {
		r.note = n
	}
}

// tlsHandshake names a handshake message and returns the TLS version it
// decides (0 if none).
func tlsHandshake(b []byte, fl *flow, r *appResult, first bool) uint16 {
	if len(b) < 4 {
		r.info = append(r.info, "Encrypted Handshake Message"...)
		setNote(r, note{id: noteTLSHandshake, s: "encrypted"}, first)
		return 0
	}
	name, ok := tlsHandshakeNames[b[0]]
	hlen := int(b[1])<<16 | int(b[2])<<8 | int(b[3])
	if !ok || hlen > 1<<16 {
		r.info = append(r.info, "Encrypted Handshake Message"...)
		setNote(r, note{id: noteTLSHandshake, s: "encrypted"}, first)
		return 0
	}
	r.info = append(r.info, name...)
	msg := b[4:]
	if hlen < len(msg) {
		msg = msg[:hlen]
	}
	switch b[0] {
	case 1:
		sni, ver := parseHello(msg, true)
		if sni != "" {
			r.info = append(append(append(r.info, " (SNI="...), sni...), ')')
			setNote(r, note{id: noteTLSClientHello, s: sni}, first)
		} else {
			setNote(r, note{id: noteTLSClientHelloNoSNI}, first)
		}
		return ver
	case 2:
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
// header on a flow that already showed a long one.
func detectQUIC(p []byte, fl *flow, r *appResult) bool {
	if len(p) < 1 {
		return false
	}
	if p[0]&0x80 == 0 {
		if !fl.quic || p[0]&0x40 == 0 {
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
	if dcil > 20 || len(p) < 6+dcil {
		return false
	}
	typ := -1
	switch {
	case version == 0:
		r.info = append(r.info, "Version Negotiation"...)
		r.note = note{id: noteQUICOther, s: "version negotiation"}
	case version == 1 || version&0xffffff00 == 0xff000000:
		typ = int(p[0]>>4) & 3
	case version == 0x6b3343cf: // QUIC v2 renumbers the packet types
		typ = [4]int{3, 0, 1, 2}[p[0]>>4&3]
	default:
		return false
	}
	if p[0]&0x40 == 0 && version != 0 {
		return false // the fixed bit must be set
	}
	fl.quic = true
	switch typ {
	case 0:
		r.info = append(r.info, "Initial"...)
		r.note = note{id: noteQUICInitial}
	case 1:
		r.info = append(r.info, "0-RTT"...)
		r.note = note{id: noteQUIC0RTT}
	case 2:
		r.info = append(r.info, "Handshake"...)
		r.note = note{id: noteQUICHandshake}
	case 3:
		r.info = append(r.info, "Retry"...)
		r.note = note{id: noteQUICOther, s: "retry"}
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
