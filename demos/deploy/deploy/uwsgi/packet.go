package uwsgi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/netdemo/netdemo/demos/deploy/deploy/cgiwire"
)

// HeaderLen is the size of a packet header.
const HeaderLen = 4

// MaxVars is the largest vars block a u16 size can announce.
const MaxVars = 65535

// Header is the 4-byte packet header.
type Header struct {
	Modifier1 uint8
	Size      uint16 // bytes of the vars block that follows
	Modifier2 uint8
}

// Bytes encodes the header.
func (h Header) Bytes() [HeaderLen]byte {
	var b [HeaderLen]byte
	b[0] = h.Modifier1
	binary.LittleEndian.PutUint16(b[1:3], h.Size)
	b[3] = h.Modifier2
	return b
}

// ErrTooBig is wrapped by EncodeVars when the vars do not fit in a packet.
var ErrTooBig = errors.New("uwsgi: vars block too big")

// ErrTruncated is wrapped by errors about a stream that ended inside a
// packet.
var ErrTruncated = errors.New("uwsgi: connection closed in the middle of a packet")

// EncodeVars encodes a request packet (modifier1 0): header then vars. It
// refuses a vars block over 65,535 bytes (which also bounds every key and
// value's u16 length) rather than write a size that wraps around and makes
// the peer read the rest of the request as something else.
func EncodeVars(vars []cgiwire.Var) ([]byte, error) {
	size := 0
	for _, v := range vars {
		size += 4 + len(v.Name) + len(v.Value)
	}
	if size > MaxVars {
		return nil, fmt.Errorf("%w: %d bytes of variables, over the 65,535 the header's u16 size can say (it would wrap to %d)", ErrTooBig, size, size%65536)
	}
	hb := Header{Size: uint16(size)}.Bytes()
	b := make([]byte, 0, HeaderLen+size)
	b = append(b, hb[:]...)
	for _, v := range vars {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(v.Name)))
		b = append(b, v.Name...)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(v.Value)))
		b = append(b, v.Value...)
	}
	return b, nil
}

// ReadPacket reads a request packet: the header and its vars. A stream that
// ends inside the packet, a modifier1 other than 0, or a vars block whose
// lengths do not add up is an error saying so.
func ReadPacket(r io.Reader) (Header, []cgiwire.Var, error) {
	var hb [HeaderLen]byte
	n, err := io.ReadFull(r, hb[:])
	switch {
	case err == io.EOF:
		return Header{}, nil, io.EOF
	case err == io.ErrUnexpectedEOF:
		return Header{}, nil, fmt.Errorf("%w: got %d of the 4 header bytes", ErrTruncated, n)
	case err != nil:
		return Header{}, nil, fmt.Errorf("uwsgi: reading the packet header: %w", err)
	}
	h := Header{Modifier1: hb[0], Size: binary.LittleEndian.Uint16(hb[1:3]), Modifier2: hb[3]}
	if h.Modifier1 != 0 {
		return h, nil, fmt.Errorf("uwsgi: modifier1 is %d, want 0 (a WSGI/HTTP request); header % x", h.Modifier1, hb[:])
	}
	block := make([]byte, h.Size)
	if n, err := io.ReadFull(r, block); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return h, nil, fmt.Errorf("%w: header announced %d bytes of vars, got %d", ErrTruncated, h.Size, n)
		}
		return h, nil, fmt.Errorf("uwsgi: reading the vars block: %w", err)
	}
	vars, err := ParseVars(block)
	return h, vars, err
}

// ParseVars decodes a vars block.
func ParseVars(b []byte) ([]cgiwire.Var, error) {
	var out []cgiwire.Var
	off := 0
	next := func(what string) (string, error) {
		if len(b)-off < 2 {
			return "", fmt.Errorf("uwsgi: var %d: %s length cut off at byte %d of %d", len(out)+1, what, off, len(b))
		}
		n := int(binary.LittleEndian.Uint16(b[off:]))
		off += 2
		if n > len(b)-off {
			return "", fmt.Errorf("uwsgi: var %d: %s announces %d bytes, only %d left in the block", len(out)+1, what, n, len(b)-off)
		}
		s := string(b[off : off+n])
		off += n
		return s, nil
	}
	for off < len(b) {
		k, err := next("key")
		if err != nil {
			return nil, err
		}
		v, err := next("value")
		if err != nil {
			return nil, err
		}
		out = append(out, cgiwire.Var{Name: k, Value: v})
	}
	return out, nil
}
