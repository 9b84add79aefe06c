package capfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// Classic pcap magic numbers (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html).
const (
	magicMicro = 0xa1b2c3d4
	magicNano  = 0xa1b23c4d
	// magicModified is Alexey Kuznetsov's "modified pcap" (libpcap patch
	// ss991029, written by editcap -F modpcap): microsecond timestamps and
	// 8 more bytes per record header (interface index, protocol, packet
	// type), which nothing here needs.
	magicModified = 0xa1b2cd34
)

type pcapState struct {
	order   binary.ByteOrder
	nano    bool
	link    LinkType
	snaplen uint32
	hdr     [24]byte
	hdrLen  int // 16, or 24 for modified pcap
}

func isPcapMagic(b []byte) bool {
	le, be := binary.LittleEndian.Uint32(b), binary.BigEndian.Uint32(b)
	return le == magicMicro || le == magicNano || le == magicModified ||
		be == magicMicro || be == magicNano || be == magicModified
}

func (r *Reader) readPcapHeader() error {
	var h [24]byte
	if n, err := r.readFull(h[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return &FormatError{Msg: fmt.Sprintf("truncated pcap file header: 24 bytes expected, file ends after %d", n)}
		}
		return fmt.Errorf("read pcap file header: %w", err)
	}
	s := &r.pcap
	s.hdrLen = 16
	s.order = binary.LittleEndian
	magic := binary.LittleEndian.Uint32(h[:])
	if magic != magicMicro && magic != magicNano && magic != magicModified {
		s.order, magic = binary.BigEndian, binary.BigEndian.Uint32(h[:])
	}
	switch magic {
	case magicNano:
		s.nano = true
	case magicModified:
		s.hdrLen = 24
	}
	if major := s.order.Uint16(h[4:]); major != 2 {
		return &FormatError{Msg: fmt.Sprintf("unsupported pcap version %d.%d", major, s.order.Uint16(h[6:]))}
	}
	s.snaplen = s.order.Uint32(h[16:])
	// The upper bits of the link type field may carry FCS information
	// (draft-ietf-opsawg-pcap, "LinkType and additional information").
	s.link = LinkType(s.order.Uint32(h[20:]) & 0x0fffffff)
	return nil
}

func (r *Reader) nextPcap() (Record, error) {
	s := &r.pcap
	num := r.n + 1
	if n, err := r.readFull(s.hdr[:s.hdrLen]); err != nil {
		if errors.Is(err, io.EOF) {
			return Record{}, io.EOF
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return Record{}, truncated(num, "record header", s.hdrLen, n)
		}
		return Record{}, fmt.Errorf("packet %d: read record header: %w", num, err)
	}
	sec := s.order.Uint32(s.hdr[0:])
	frac := s.order.Uint32(s.hdr[4:])
	incl := s.order.Uint32(s.hdr[8:])
	orig := s.order.Uint32(s.hdr[12:])
	if incl > MaxPacket {
		return Record{}, &FormatError{Packet: num, Msg: fmt.Sprintf("corrupt record: header says %d bytes, more than the %d a packet may have", incl, MaxPacket)}
	}
	data, n, err := r.next(int(incl))
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return Record{}, truncated(num, "record", int(incl), n)
		}
		return Record{}, fmt.Errorf("packet %d: read record: %w", num, err)
	}
	r.n = num
	nsec, digits := int64(frac)*1000, 6
	if s.nano {
		nsec, digits = int64(frac), 9
	}
	if orig < incl {
		orig = incl
	}
	return Record{
		Number:     num,
		Time:       time.Unix(int64(sec), nsec),
		LinkType:   s.link,
		OrigLen:    int(orig),
		Data:       data,
		TimeDigits: digits,
	}, nil
}
