package tlsrec

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ContentType is the first byte of a TLS record (RFC 8446 §5.1).
type ContentType uint8

// Content types.
const (
	ChangeCipherSpec ContentType = 20
	Alert            ContentType = 21
	Handshake        ContentType = 22
	ApplicationData  ContentType = 23
	Heartbeat        ContentType = 24 // RFC 6520; not part of TLS 1.3
)

func (t ContentType) String() string {
	switch t {
	case ChangeCipherSpec:
		return "change_cipher_spec"
	case Alert:
		return "alert"
	case Handshake:
		return "handshake"
	case ApplicationData:
		return "application_data"
	}
	return fmt.Sprintf("content_type(%d)", uint8(t))
}

// HeaderLen is the size of a record header: type, legacy version, length.
const HeaderLen = 5

// MaxPayload is the largest record payload any TLS version allows on the
// wire (TLS 1.2's 2^14 + 2048 for ciphertext; TLS 1.3 allows 2^14 + 256).
const MaxPayload = 1<<14 + 2048

// Record is one TLS record as it crossed the wire.
type Record struct {
	Type    ContentType
	Version uint16 // legacy_record_version: 0x0303 for TLS 1.2 and 1.3
	Payload []byte // the fragment: plaintext, or ciphertext + AEAD tag
	Header  []byte // the 5 header bytes: TLS 1.3 uses them as AEAD associated data
}

// WireLen is the record's size on the wire, header included.
func (r Record) WireLen() int { return HeaderLen + len(r.Payload) }

// ErrNotTLS says the bytes do not look like TLS records at all.
var ErrNotTLS = errors.New("not a TLS record")

// Split cuts b into whole records. An incomplete record at the end is
// returned as rest (more bytes may still arrive); a header that cannot be
// TLS (unknown type, length beyond the limit) is an error wrapping
// ErrNotTLS. The records point into b.
func Split(b []byte) (recs []Record, rest []byte, err error) {
	for len(b) >= HeaderLen {
		typ := ContentType(b[0])
		if typ < ChangeCipherSpec || typ > ApplicationData {
			return recs, b, fmt.Errorf("%w: content type %d", ErrNotTLS, b[0])
		}
		if b[1] != 3 {
			return recs, b, fmt.Errorf("%w: version %#04x", ErrNotTLS, binary.BigEndian.Uint16(b[1:3]))
		}
		n := int(binary.BigEndian.Uint16(b[3:5]))
		if n > MaxPayload {
			return recs, b, fmt.Errorf("%w: length %d is over %d", ErrNotTLS, n, MaxPayload)
		}
		if len(b) < HeaderLen+n {
			break
		}
		recs = append(recs, Record{
			Type:    typ,
			Version: binary.BigEndian.Uint16(b[1:3]),
			Header:  b[:HeaderLen:HeaderLen],
			Payload: b[HeaderLen : HeaderLen+n : HeaderLen+n],
		})
		b = b[HeaderLen+n:]
	}
	return recs, b, nil
}
