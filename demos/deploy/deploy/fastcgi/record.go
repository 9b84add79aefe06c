package fastcgi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Version1 is the only FastCGI version (spec §3.3).
const Version1 = 1

// HeaderLen is the size of a record header.
const HeaderLen = 8

// MaxContent is the most content one record can carry: its length is a
// 16-bit field.
const MaxContent = 65535

// Type is a record type (spec §8).
type Type uint8

// Record types.
const (
	TypeBeginRequest    Type = 1
	TypeAbortRequest    Type = 2
	TypeEndRequest      Type = 3
	TypeParams          Type = 4
	TypeStdin           Type = 5
	TypeStdout          Type = 6
	TypeStderr          Type = 7
	TypeData            Type = 8
	TypeGetValues       Type = 9
	TypeGetValuesResult Type = 10
	TypeUnknownType     Type = 11
)

var typeNames = [...]string{
	TypeBeginRequest: "BEGIN_REQUEST", TypeAbortRequest: "ABORT_REQUEST", TypeEndRequest: "END_REQUEST",
	TypeParams: "PARAMS", TypeStdin: "STDIN", TypeStdout: "STDOUT", TypeStderr: "STDERR", TypeData: "DATA",
	TypeGetValues: "GET_VALUES", TypeGetValuesResult: "GET_VALUES_RESULT", TypeUnknownType: "UNKNOWN_TYPE",
}

func (t Type) String() string {
	if int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	return fmt.Sprintf("type %d", uint8(t))
}

// Roles of BEGIN_REQUEST (spec §5.1).
const (
	RoleResponder  = 1
	RoleAuthorizer = 2
	RoleFilter     = 3
)

// FlagKeepConn in BEGIN_REQUEST asks the application to keep the
// connection open after END_REQUEST.
const FlagKeepConn = 1

// Protocol statuses of END_REQUEST (spec §5.5).
const (
	StatusRequestComplete = 0
	StatusCantMpxConn     = 1
	StatusOverloaded      = 2
	StatusUnknownRole     = 3
)

// Header is the 8-byte record header.
type Header struct {
	Version       uint8
	Type          Type
	RequestID     uint16
	ContentLength uint16
	PaddingLength uint8
	Reserved      uint8
}

// Record is one record: its header and its content (padding dropped).
type Record struct {
	Header
	Content []byte
}

// ErrTruncated is wrapped by errors about a stream that ended inside a
// record.
var ErrTruncated = errors.New("fastcgi: connection closed in the middle of a record")

// ReadRecord reads one record. At a clean end of stream (no byte of a new
// record) it returns io.EOF; a stream that ends inside a record, a version
// other than 1 or an unknown type is an error saying so.
func ReadRecord(r io.Reader) (Record, error) {
	var h [HeaderLen]byte
	n, err := io.ReadFull(r, h[:])
	switch {
	case err == io.EOF:
		return Record{}, io.EOF
	case err == io.ErrUnexpectedEOF:
		return Record{}, fmt.Errorf("%w: got %d of the %d header bytes", ErrTruncated, n, HeaderLen)
	case err != nil:
		return Record{}, fmt.Errorf("fastcgi: reading a record header: %w", err)
	}
	rec := Record{Header: Header{
		Version:       h[0],
		Type:          Type(h[1]),
		RequestID:     binary.BigEndian.Uint16(h[2:4]),
		ContentLength: binary.BigEndian.Uint16(h[4:6]),
		PaddingLength: h[6],
		Reserved:      h[7],
	}}
	if rec.Version != Version1 {
		return Record{}, fmt.Errorf("fastcgi: not a FastCGI record: version byte is %d, want 1 (header % x)", rec.Version, h[:])
	}
	if rec.Type < TypeBeginRequest || rec.Type > TypeUnknownType {
		return Record{}, fmt.Errorf("fastcgi: not a FastCGI record: unknown type %d (header % x)", uint8(rec.Type), h[:])
	}
	body := make([]byte, int(rec.ContentLength)+int(rec.PaddingLength))
	if n, err := io.ReadFull(r, body); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return Record{}, fmt.Errorf("%w: %s header announced %d content + %d padding bytes, got %d",
				ErrTruncated, rec.Type, rec.ContentLength, rec.PaddingLength, n)
		}
		return Record{}, fmt.Errorf("fastcgi: reading a %s record: %w", rec.Type, err)
	}
	rec.Content = body[:rec.ContentLength]
	return rec, nil
}

// AppendRecord appends a record of type t carrying content (at most
// MaxContent bytes), padded to a multiple of 8 as the spec recommends.
func AppendRecord(b []byte, t Type, id uint16, content []byte) []byte {
	if len(content) > MaxContent {
		panic("fastcgi: record content over 65535 bytes")
	}
	pad := (8 - len(content)%8) % 8
	b = append(b, Version1, byte(t))
	b = binary.BigEndian.AppendUint16(b, id)
	b = binary.BigEndian.AppendUint16(b, uint16(len(content)))
	b = append(b, byte(pad), 0)
	b = append(b, content...)
	return append(b, make([]byte, pad)...)
}

// AppendStream appends content as records of type t, split at MaxContent,
// then the empty record that ends the stream.
func AppendStream(b []byte, t Type, id uint16, content []byte) []byte {
	for len(content) > 0 {
		n := min(len(content), MaxContent)
		b = AppendRecord(b, t, id, content[:n])
		content = content[n:]
	}
	return AppendRecord(b, t, id, nil)
}

// BeginRequest is the body of BEGIN_REQUEST.
type BeginRequest struct {
	Role  uint16
	Flags uint8
}

// Bytes encodes the 8-byte body.
func (br BeginRequest) Bytes() []byte {
	b := binary.BigEndian.AppendUint16(nil, br.Role)
	return append(b, br.Flags, 0, 0, 0, 0, 0)
}

// ParseBeginRequest decodes a BEGIN_REQUEST body.
func ParseBeginRequest(c []byte) (BeginRequest, error) {
	if len(c) != 8 {
		return BeginRequest{}, fmt.Errorf("fastcgi: BEGIN_REQUEST body is %d bytes, want 8", len(c))
	}
	return BeginRequest{Role: binary.BigEndian.Uint16(c), Flags: c[2]}, nil
}

// EndRequest is the body of END_REQUEST.
type EndRequest struct {
	AppStatus      uint32
	ProtocolStatus uint8
}

// Bytes encodes the 8-byte body.
func (er EndRequest) Bytes() []byte {
	b := binary.BigEndian.AppendUint32(nil, er.AppStatus)
	return append(b, er.ProtocolStatus, 0, 0, 0)
}

// ParseEndRequest decodes an END_REQUEST body.
func ParseEndRequest(c []byte) (EndRequest, error) {
	if len(c) != 8 {
		return EndRequest{}, fmt.Errorf("fastcgi: END_REQUEST body is %d bytes, want 8", len(c))
	}
	return EndRequest{AppStatus: binary.BigEndian.Uint32(c), ProtocolStatus: c[4]}, nil
}
