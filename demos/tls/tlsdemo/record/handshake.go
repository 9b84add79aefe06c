package record

import (
	"bytes"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
)

var errShort = errors.New("message too short")

// helloRetryRandom is the fixed ServerHello.random that marks a
// HelloRetryRequest (RFC 8446 §4.1.3).
var helloRetryRandom = []byte{
	0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
	0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
}

// ClientRandom returns the 32-byte random of a ClientHello body: the key
// log names each connection's secrets by it.
func ClientRandom(body []byte) ([]byte, error) {
	if len(body) < 2+32 {
		return nil, fmt.Errorf("ClientHello: %w", errShort)
	}
	return body[2:34], nil
}

// Hello is what a ServerHello settles.
type Hello struct {
	Version     uint16 // from supported_versions if present, else legacy_version
	CipherSuite uint16
	Retry       bool   // a HelloRetryRequest, not a real ServerHello
	KeyShare    uint16 // the group of the server's key share (TLS 1.3), 0 if none
}

// ParseServerHello reads the version, cipher suite and key share group of a
// ServerHello body (RFC 8446 §4.1.3; TLS 1.2's is a prefix of it).
func ParseServerHello(body []byte) (Hello, error) {
	var h Hello
	if len(body) < 2+32+1 {
		return h, fmt.Errorf("ServerHello: %w", errShort)
	}
	h.Version = binary.BigEndian.Uint16(body)
	h.Retry = bytes.Equal(body[2:34], helloRetryRandom)
	p := body[34:]
	sid := int(p[0])
	if len(p) < 1+sid+3 {
		return h, fmt.Errorf("ServerHello: %w", errShort)
	}
	p = p[1+sid:]
	h.CipherSuite = binary.BigEndian.Uint16(p)
	p = p[3:] // suite and compression method
	if len(p) < 2 {
		return h, nil // no extensions: TLS 1.2 without any
	}
	n := int(binary.BigEndian.Uint16(p))
	p = p[2:]
	if len(p) < n {
		return h, fmt.Errorf("ServerHello extensions: %w", errShort)
	}
	p = p[:n]
	for len(p) >= 4 {
		typ, l := binary.BigEndian.Uint16(p), int(binary.BigEndian.Uint16(p[2:]))
		if len(p) < 4+l {
			return h, fmt.Errorf("ServerHello extension %d: %w", typ, errShort)
		}
		data := p[4 : 4+l]
		switch {
		case typ == 43 && l == 2: // supported_versions
			h.Version = binary.BigEndian.Uint16(data)
		case typ == 51 && l >= 2: // key_share
			h.KeyShare = binary.BigEndian.Uint16(data)
		}
		p = p[4+l:]
	}
	return h, nil
}

// Certificates12 parses a TLS 1.2 Certificate message body (RFC 5246
// §7.4.2): the chain travels in clear, so anyone on the path reads it.
func Certificates12(body []byte) ([]*x509.Certificate, error) {
	if len(body) < 3 {
		return nil, fmt.Errorf("Certificate: %w", errShort)
	}
	n := int(body[0])<<16 | int(body[1])<<8 | int(body[2])
	p := body[3:]
	if len(p) != n {
		return nil, fmt.Errorf("Certificate: list length %d, have %d bytes", n, len(p))
	}
	var out []*x509.Certificate
	for len(p) > 0 {
		if len(p) < 3 {
			return nil, fmt.Errorf("Certificate entry: %w", errShort)
		}
		l := int(p[0])<<16 | int(p[1])<<8 | int(p[2])
		if len(p) < 3+l {
			return nil, fmt.Errorf("Certificate entry: %w", errShort)
		}
		c, err := x509.ParseCertificate(p[3 : 3+l])
		if err != nil {
			return nil, fmt.Errorf("Certificate entry %d: %w", len(out), err)
		}
		out = append(out, c)
		p = p[3+l:]
	}
	return out, nil
}
