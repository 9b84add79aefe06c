package lab

import (
	"bufio"
	"encoding/binary"
	"io"
	"time"
)

// The pcap file format (https://www.tcpdump.org/manpages/pcap-savefile.5.html):
// a 24-byte file header, then a 16-byte header before each packet. It is
// small enough to write directly, which keeps the lab free of a packet
// library dependency.
const (
	pcapMagicMicros = 0xa1b2c3d4 // classic microsecond timestamps: what every reader opens
	pcapSnaplen     = 65535
	// LINKTYPE_RAW: each packet starts with its IP header. Wireshark,
	// tshark and tcpdump all read it; 228 (LINKTYPE_IPV4) is newer and less
	// widely supported.
	pcapLinkTypeRaw = 101
)

// pcapWriter writes frames as a pcap capture. It is guarded by Lab.mu.
//
// Every frame the link saw is written, including dropped ones: the capture
// is what a sniffer on the sender's side of the wire would record, before the
// link decided anything. A duplicated frame is written twice, as it crossed
// the wire twice. The record times are the wall-clock times the sending host
// handed the frame over (Frame.At), so a capture shows the sender's timing.
type pcapWriter struct {
	w   *bufio.Writer
	err error // the first write error; later writes are skipped
	hdr [16]byte
}

func newPcapWriter(w io.Writer) (*pcapWriter, error) {
	p := &pcapWriter{w: bufio.NewWriterSize(w, 64<<10)}
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:], pcapMagicMicros)
	binary.LittleEndian.PutUint16(h[4:], 2) // version 2.4
	binary.LittleEndian.PutUint16(h[6:], 4)
	// h[8:16]: time zone offset and accuracy, both 0.
	binary.LittleEndian.PutUint32(h[16:], pcapSnaplen)
	binary.LittleEndian.PutUint32(h[20:], pcapLinkTypeRaw)
	if _, err := p.w.Write(h[:]); err != nil {
		return nil, err
	}
	// Flushed now, so a bad writer fails New rather than Close.
	if err := p.w.Flush(); err != nil {
		return nil, err
	}
	return p, nil
}

// write records one packet sent at t.
func (p *pcapWriter) write(t time.Time, pkt []byte) {
	if p.err != nil {
		return
	}
	n := min(len(pkt), pcapSnaplen)
	binary.LittleEndian.PutUint32(p.hdr[0:], uint32(t.Unix()))
	binary.LittleEndian.PutUint32(p.hdr[4:], uint32(t.Nanosecond()/1000))
	binary.LittleEndian.PutUint32(p.hdr[8:], uint32(n))
	binary.LittleEndian.PutUint32(p.hdr[12:], uint32(len(pkt)))
	if _, err := p.w.Write(p.hdr[:]); err != nil {
		p.err = err
		return
	}
	if _, err := p.w.Write(pkt[:n]); err != nil {
		p.err = err
	}
}

// flush writes out what is buffered and returns the first error.
func (p *pcapWriter) flush() error {
	if p.err != nil {
		return p.err
	}
	p.err = p.w.Flush()
	return p.err
}
