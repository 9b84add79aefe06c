package capfile

import (
	"encoding/binary"
	"fmt"
	"io"
	"time"
)

// NgWriter writes a pcapng file: one section, interfaces added with
// [NgWriter.AddInterface], and enhanced packet blocks that may carry
// comments. Timestamps are written with nanosecond resolution.
type NgWriter struct {
	w      io.Writer
	order  binary.AppendByteOrder
	buf    []byte
	ifaces []LinkType
}

// NewNgWriter writes the section header. application, when not empty, is
// recorded as shb_userappl (Wireshark shows it in Capture File Properties).
func NewNgWriter(w io.Writer, application string) (*NgWriter, error) {
	nw := &NgWriter{w: w, order: binary.LittleEndian}
	b := nw.begin(blockSHB)
	b = nw.order.AppendUint32(b, byteOrderMagic)
	b = nw.order.AppendUint16(b, 1)
	b = nw.order.AppendUint16(b, 0)
	b = nw.order.AppendUint64(b, ^uint64(0)) // section length unknown
	if application != "" {
		b = nw.appendOption(b, 4, []byte(application)) // shb_userappl
		b = nw.appendOption(b, optEnd, nil)
	}
	if err := nw.finish(b); err != nil {
		return nil, fmt.Errorf("write pcapng section header: %w", err)
	}
	return nw, nil
}

// AddInterface declares an interface and returns its index for WritePacket.
// name, when not empty, is recorded as if_name (Wireshark's "Interface
// name", and the display filter frame.interface_name).
func (nw *NgWriter) AddInterface(link LinkType, name string) (int, error) {
	b := nw.begin(blockIDB)
	b = nw.order.AppendUint16(b, uint16(link))
	b = nw.order.AppendUint16(b, 0)
	b = nw.order.AppendUint32(b, MaxPacket)
	if name != "" {
		b = nw.appendOption(b, optIfName, []byte(name))
	}
	b = nw.appendOption(b, optTsresol, []byte{9})
	b = nw.appendOption(b, optEnd, nil)
	if err := nw.finish(b); err != nil {
		return 0, fmt.Errorf("write pcapng interface: %w", err)
	}
	nw.ifaces = append(nw.ifaces, link)
	return len(nw.ifaces) - 1, nil
}

// WritePacket writes an enhanced packet block on interface iface. Each
// comment becomes one opt_comment option, shown by Wireshark as a packet
// comment (and searchable with the display filter frame.comment).
func (nw *NgWriter) WritePacket(iface int, ts time.Time, data []byte, origLen int, comments ...string) error {
	if iface < 0 || iface >= len(nw.ifaces) {
		return fmt.Errorf("write packet: interface %d not declared (have %d)", iface, len(nw.ifaces))
	}
	if len(data) > MaxPacket {
		return fmt.Errorf("write packet: %d bytes exceed %d", len(data), MaxPacket)
	}
	if origLen < len(data) {
		origLen = len(data)
	}
	ns := uint64(ts.UnixNano())
	b := nw.begin(blockEPB)
	b = nw.order.AppendUint32(b, uint32(iface))
	b = nw.order.AppendUint32(b, uint32(ns>>32))
	b = nw.order.AppendUint32(b, uint32(ns))
	b = nw.order.AppendUint32(b, uint32(len(data)))
	b = nw.order.AppendUint32(b, uint32(origLen))
	b = appendPadded(b, data)
	for _, c := range comments {
		if len(c) > 0xffff {
			c = c[:0xffff]
		}
		b = nw.appendOption(b, optComment, []byte(c))
	}
	if len(comments) > 0 {
		b = nw.appendOption(b, optEnd, nil)
	}
	if err := nw.finish(b); err != nil {
		return fmt.Errorf("write packet: %w", err)
	}
	return nil
}

func (nw *NgWriter) begin(typ uint32) []byte {
	b := nw.order.AppendUint32(nw.buf[:0], typ)
	return nw.order.AppendUint32(b, 0) // length, patched by finish
}

func (nw *NgWriter) finish(b []byte) error {
	total := uint32(len(b) + 4)
	binary.LittleEndian.PutUint32(b[4:], total)
	b = nw.order.AppendUint32(b, total)
	nw.buf = b
	_, err := nw.w.Write(b)
	return err
}

func (nw *NgWriter) appendOption(b []byte, code uint16, v []byte) []byte {
	b = nw.order.AppendUint16(b, code)
	b = nw.order.AppendUint16(b, uint16(len(v)))
	return appendPadded(b, v)
}

func appendPadded(b, v []byte) []byte {
	var zeros [3]byte
	b = append(b, v...)
	return append(b, zeros[:(4-len(v)%4)%4]...)
}
