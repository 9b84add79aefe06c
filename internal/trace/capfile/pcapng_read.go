package capfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"time"
)

// pcapng block types (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html).
const (
	blockSHB = 0x0A0D0D0A // section header
	blockIDB = 0x00000001 // interface description
	blockPB  = 0x00000002 // packet (obsolete, still written by old tools)
	blockSPB = 0x00000003 // simple packet
	blockEPB = 0x00000006 // enhanced packet

	byteOrderMagic = 0x1A2B3C4D

	optEnd     = 0
	optComment = 1
	optIfName  = 2  // if_name
	optTsresol = 9  // if_tsresol
	optTsoff   = 14 // if_tsoffset
)

// maxInterfaces bounds the interface table so that a corrupt file made of
// interface blocks cannot grow memory without limit.
const maxInterfaces = 1 << 16

type ngIface struct {
	link    LinkType
	snaplen uint32
	units   uint64 // timestamp units per second
	offset  int64  // seconds added to every timestamp (if_tsoffset)
	digits  int
}

type ngState struct {
	order  binary.ByteOrder
	ifaces []ngIface
	hdr    [8]byte
}

func (r *Reader) nextNg() (Record, error) {
	s := &r.ng
	for {
		num := r.n + 1
		n, err := r.readFull(s.hdr[:])
		if err != nil {
			if errors.Is(err, io.EOF) {
				return Record{}, io.EOF
			}
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return Record{}, truncated(num, "block header", 8, n)
			}
			return Record{}, fmt.Errorf("packet %d: read block header: %w", num, err)
		}
		if binary.BigEndian.Uint32(s.hdr[:]) == blockSHB {
			if err := r.readSectionHeader(num); err != nil {
				return Record{}, err
			}
			continue
		}
		typ := s.order.Uint32(s.hdr[0:])
		body, err := r.readBlockBody(num, s.order.Uint32(s.hdr[4:]), 8)
		if err != nil {
			return Record{}, err
		}
		switch typ {
		case blockIDB:
			if err := r.addInterface(num, body); err != nil {
				return Record{}, err
			}
		case blockEPB, blockPB:
			return r.packetBlock(num, typ, body)
		case blockSPB:
			return r.simplePacket(num, body)
		}
		// Other blocks (statistics, name resolution, secrets...) carry
		// nothing we print: skip them.
	}
}

// readSectionHeader reads a section header block. When called from
// NewReader the block type has not been consumed yet; from nextNg, the
// first 8 bytes are in r.ng.hdr.
func (r *Reader) readSectionHeader(num int) error {
	s := &r.ng
	if num == 0 {
		if n, err := r.readFull(s.hdr[:]); err != nil {
			return shortHeader(num, "section header", n, 8, err)
		}
	}
	var magic [4]byte
	if n, err := r.readFull(magic[:]); err != nil {
		return shortHeader(num, "section header", 8+n, 12, err)
	}
	switch binary.LittleEndian.Uint32(magic[:]) {
	case byteOrderMagic:
		s.order = binary.LittleEndian
	case 0x4D3C2B1A:
		s.order = binary.BigEndian
	default:
		return &FormatError{Packet: num, Msg: fmt.Sprintf("corrupt section header: byte-order magic is 0x%08x, want 0x1a2b3c4d", binary.BigEndian.Uint32(magic[:]))}
	}
	length := s.order.Uint32(s.hdr[4:])
	if length < 28 {
		return &FormatError{Packet: num, Msg: fmt.Sprintf("corrupt section header: block length %d, at least 28 expected", length)}
	}
	body, err := r.readBlockBody(num, length, 12)
	if err != nil {
		return err
	}
	if major := s.order.Uint16(body); major != 1 {
		return &FormatError{Packet: num, Msg: fmt.Sprintf("unsupported pcapng version %d.%d", major, s.order.Uint16(body[2:]))}
	}
	s.ifaces = s.ifaces[:0] // interfaces are numbered per section
	return nil
}

func shortHeader(num int, what string, got, want int, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return truncated(num, what, want, got)
	}
	return fmt.Errorf("read %s: %w", what, err)
}

// readBlockBody reads the rest of a block whose first `done` bytes were
// already read, checks the trailing copy of the length and returns the body
// without it.
func (r *Reader) readBlockBody(num int, length uint32, done int) ([]byte, error) {
	if length%4 != 0 || length < 12 || length > maxBlock {
		return nil, &FormatError{Packet: num, Msg: fmt.Sprintf("corrupt block: length %d is not a multiple of 4 between 12 and %d", length, maxBlock)}
	}
	if int(length) < done+4 {
		return nil, &FormatError{Packet: num, Msg: fmt.Sprintf("corrupt block: length %d too small", length)}
	}
	body, n, err := r.next(int(length) - done)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, truncated(num, "block", int(length), done+n)
		}
		return nil, fmt.Errorf("packet %d: read block: %w", num, err)
	}
	if trail := r.ng.order.Uint32(body[len(body)-4:]); trail != length {
		return nil, &FormatError{Packet: num, Msg: fmt.Sprintf("corrupt block: length %d at its start but %d at its end", length, trail)}
	}
	return body[:len(body)-4], nil
}

func (r *Reader) addInterface(num int, body []byte) error {
	s := &r.ng
	if len(body) < 8 {
		return &FormatError{Packet: num, Msg: "corrupt interface description: shorter than 8 bytes"}
	}
	if len(s.ifaces) >= maxInterfaces {
		return &FormatError{Packet: num, Msg: fmt.Sprintf("too many interfaces (more than %d)", maxInterfaces)}
	}
	ifc := ngIface{
		link:    LinkType(s.order.Uint16(body)),
		snaplen: s.order.Uint32(body[4:]),
		units:   1_000_000,
		digits:  6,
	}
	eachOption(s.order, body[8:], func(code uint16, v []byte) {
		switch {
		case code == optTsresol && len(v) >= 1:
			ifc.units, ifc.digits = tsUnits(v[0])
		case code == optTsoff && len(v) >= 8:
			ifc.offset = int64(s.order.Uint64(v))
		}
	})
	s.ifaces = append(s.ifaces, ifc)
	return nil
}

// tsUnits decodes if_tsresol: the high bit chooses a power of two instead of
// a power of ten. Absurd exponents are clamped so arithmetic cannot overflow.
func tsUnits(b byte) (units uint64, digits int) {
	if b&0x80 != 0 {
		e := b & 0x7f
		if e > 63 {
			e = 63
		}
		return 1 << e, 9
	}
	if b > 19 {
		b = 19
	}
	units = 1
	for range b {
		units *= 10
	}
	return units, min(int(b), 9)
}

// eachOption calls fn for every option up to opt_endofopt, stopping quietly
// at the first malformed one: options only decorate a packet.
func eachOption(order binary.ByteOrder, b []byte, fn func(code uint16, v []byte)) {
	for len(b) >= 4 {
		code, n := order.Uint16(b), int(order.Uint16(b[2:]))
		if code == optEnd || 4+n > len(b) {
			return
		}
		fn(code, b[4:4+n])
		adv := 4 + (n+3)&^3
		if adv > len(b) {
			return
		}
		b = b[adv:]
	}
}

func (r *Reader) iface(num int, id uint32) (*ngIface, error) {
	if int64(id) >= int64(len(r.ng.ifaces)) {
		return nil, &FormatError{Packet: num, Msg: fmt.Sprintf("corrupt packet block: interface %d, but %d declared", id, len(r.ng.ifaces))}
	}
	return &r.ng.ifaces[id], nil
}

func (r *Reader) packetBlock(num int, typ uint32, body []byte) (Record, error) {
	s := &r.ng
	if len(body) < 20 {
		return Record{}, &FormatError{Packet: num, Msg: fmt.Sprintf("corrupt packet block: %d bytes, at least 20 expected", len(body))}
	}
	var id uint32
	if typ == blockPB {
		id = uint32(s.order.Uint16(body))
	} else {
		id = s.order.Uint32(body)
	}
	ifc, err := r.iface(num, id)
	if err != nil {
		return Record{}, err
	}
	ts := uint64(s.order.Uint32(body[4:]))<<32 | uint64(s.order.Uint32(body[8:]))
	caplen, orig := s.order.Uint32(body[12:]), s.order.Uint32(body[16:])
	if caplen > MaxPacket || int(caplen) > len(body)-20 {
		return Record{}, &FormatError{Packet: num, Msg: fmt.Sprintf("corrupt packet block: captured length %d, but the block holds %d bytes", caplen, len(body)-20)}
	}
	data := body[20 : 20+caplen]
	var comments []string
	if opts := 20 + (int(caplen)+3)&^3; opts < len(body) {
		eachOption(s.order, body[opts:], func(code uint16, v []byte) {
			if code == optComment {
				comments = append(comments, string(v))
			}
		})
	}
	if orig < caplen {
		orig = caplen
	}
	r.n = num
	return Record{
		Number:     num,
		Time:       ifc.time(ts),
		LinkType:   ifc.link,
		OrigLen:    int(orig),
		Data:       data,
		Interface:  int(id),
		TimeDigits: ifc.digits,
		Comments:   comments,
	}, nil
}

func (r *Reader) simplePacket(num int, body []byte) (Record, error) {
	if len(body) < 4 {
		return Record{}, &FormatError{Packet: num, Msg: "corrupt simple packet block: shorter than 4 bytes"}
	}
	ifc, err := r.iface(num, 0)
	if err != nil {
		return Record{}, err
	}
	orig := r.ng.order.Uint32(body)
	data := body[4:]
	if uint64(len(data)) > uint64(orig) {
		data = data[:orig] // the rest is padding
	}
	if ifc.snaplen != 0 && uint64(len(data)) > uint64(ifc.snaplen) {
		data = data[:ifc.snaplen]
	}
	// The block's length bounds the data by maxBlock, not MaxPacket: check
	// it as the other packet blocks' captured length is checked.
	if len(data) > MaxPacket {
		return Record{}, &FormatError{Packet: num, Msg: fmt.Sprintf("corrupt simple packet block: %d bytes, more than the %d a packet may have", len(data), MaxPacket)}
	}
	r.n = num
	return Record{
		Number:     num,
		Time:       time.Unix(0, 0), // simple packet blocks carry no timestamp
		NoTime:     true,
		LinkType:   ifc.link,
		OrigLen:    int(max(orig, uint32(len(data)))),
		Data:       data,
		TimeDigits: ifc.digits,
	}, nil
}

func (ifc *ngIface) time(ts uint64) time.Time {
	sec, rem := ts/ifc.units, ts%ifc.units
	hi, lo := bits.Mul64(rem, 1e9)
	nsec, _ := bits.Div64(hi, lo, ifc.units) // hi < units because rem < units
	return time.Unix(int64(sec)+ifc.offset, int64(nsec))
}
