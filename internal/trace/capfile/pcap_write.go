package capfile

import (
	"encoding/binary"
	"fmt"
	"io"
	"time"
)

// WriterOptions shape a classic pcap file.
type WriterOptions struct {
	LinkType   LinkType
	Nanosecond bool   // nanosecond timestamps (magic 0xa1b23c4d) instead of microseconds
	BigEndian  bool   // write big endian, as SPARC or old PowerPC hosts did
	SnapLen    uint32 // 0 means MaxPacket
}

// Writer writes a classic pcap file. Wrap the destination in a bufio.Writer
// when writing many packets: Writer issues one Write per packet.
type Writer struct {
	w     io.Writer
	opts  WriterOptions
	order binary.ByteOrder
	buf   []byte
}

// NewWriter writes the pcap file header and returns a writer for packets.
func NewWriter(w io.Writer, opts WriterOptions) (*Writer, error) {
	pw := &Writer{w: w, opts: opts, order: binary.LittleEndian}
	if opts.BigEndian {
		pw.order = binary.BigEndian
	}
	if opts.SnapLen == 0 {
		pw.opts.SnapLen = MaxPacket
	}
	var h [24]byte
	magic := uint32(magicMicro)
	if opts.Nanosecond {
		magic = magicNano
	}
	pw.order.PutUint32(h[0:], magic)
	pw.order.PutUint16(h[4:], 2)
	pw.order.PutUint16(h[6:], 4)
	pw.order.PutUint32(h[16:], pw.opts.SnapLen)
	pw.order.PutUint32(h[20:], uint32(opts.LinkType))
	if _, err := w.Write(h[:]); err != nil {
		return nil, fmt.Errorf("write pcap file header: %w", err)
	}
	return pw, nil
}

// WritePacket writes one packet captured at ts. origLen is its length on
// the wire; 0 means len(data).
func (pw *Writer) WritePacket(ts time.Time, data []byte, origLen int) error {
	if len(data) > int(pw.opts.SnapLen) {
		return fmt.Errorf("write packet: %d bytes exceed the snap length %d", len(data), pw.opts.SnapLen)
	}
	if origLen < len(data) {
		origLen = len(data)
	}
	var zero [16]byte
	b := append(pw.buf[:0], zero[:]...)
	frac := uint32(ts.Nanosecond() / 1000)
	if pw.opts.Nanosecond {
		frac = uint32(ts.Nanosecond())
	}
	pw.order.PutUint32(b[0:], uint32(ts.Unix()))
	pw.order.PutUint32(b[4:], frac)
	pw.order.PutUint32(b[8:], uint32(len(data)))
	pw.order.PutUint32(b[12:], uint32(origLen))
	b = append(b, data...)
	pw.buf = b
	if _, err := pw.w.Write(b); err != nil {
		return fmt.Errorf("write packet: %w", err)
	}
	return nil
}
