package capfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// CaptureOptions shape a capture file written by [CaptureWriter].
type CaptureOptions struct {
	// Format is PCAP or PCAPNG; zero means PCAP. [FormatOf] picks it from
	// a file name.
	Format Format
	// Application is recorded in a pcapng section header (shb_userappl;
	// Wireshark shows it in Capture File Properties).
	Application string
	// Nanosecond asks a pcap file for nanosecond timestamps (magic
	// 0xa1b23c4d). pcapng always records nanoseconds. Microseconds, the
	// default, are what every pcap reader opens.
	Nanosecond bool
}

// FormatOf is the format a --pcap FILE is written in: pcapng when the name
// ends in .pcapng, classic pcap otherwise.
func FormatOf(path string) Format {
	if strings.HasSuffix(strings.ToLower(path), ".pcapng") {
		return PCAPNG
	}
	return PCAP
}

// CaptureWriter writes packets to a pcap or a pcapng file through one set
// of calls, so every capture netdemo writes (the lab's --pcap, the trace
// demo's live capture and annotated copy, [trace.Annotate]) is made the
// same way and each can be either format.
//
// Interfaces are declared first with [CaptureWriter.AddInterface]. A pcapng
// file records each one (a lab with three links gives three interfaces);
// a pcap file has one link type for the whole file, so every interface
// must share it and they become one. Packet comments are written to pcapng
// and left out of pcap, which has no place for them.
//
// Writes are buffered: call [CaptureWriter.Flush] (or Close for a file made
// by [CreateCapture]). The first write error is kept and returned by every
// later call.
type CaptureWriter struct {
	opts   CaptureOptions
	bw     *bufio.Writer
	file   *os.File // set by CreateCapture; closed by Close
	pcap   *Writer
	ng     *NgWriter
	ifaces []LinkType
	err    error
}

// NewCaptureWriter starts a capture on w. For pcapng the section header is
// written now; for pcap the file header waits for the first interface,
// which gives its link type.
func NewCaptureWriter(w io.Writer, opts CaptureOptions) (*CaptureWriter, error) {
	if opts.Format == 0 {
		opts.Format = PCAP
	}
	cw := &CaptureWriter{opts: opts, bw: bufio.NewWriterSize(w, 64<<10)}
	switch opts.Format {
	case PCAP:
	case PCAPNG:
		ng, err := NewNgWriter(cw.bw, opts.Application)
		if err != nil {
			return nil, err
		}
		cw.ng = ng
	default:
		return nil, fmt.Errorf("capture writer: unknown format %v", opts.Format)
	}
	return cw, nil
}

// CreateCapture creates the file at path and starts a capture in it, in
// the format opts gives (set it with [FormatOf](path) to follow the name).
func CreateCapture(path string, opts CaptureOptions) (*CaptureWriter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	cw, err := NewCaptureWriter(f, opts)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	cw.file = f
	return cw, nil
}

// Format is the format being written.
func (cw *CaptureWriter) Format() Format { return cw.opts.Format }

// AddInterface declares an interface of the given link type and returns
// its index for WritePacket. name, when not empty, is the pcapng if_name
// (Wireshark's "Interface name"). In a pcap file every interface is the
// same one, so a second link type is an error.
func (cw *CaptureWriter) AddInterface(link LinkType, name string) (int, error) {
	if cw.err != nil {
		return 0, cw.err
	}
	if cw.ng != nil {
		id, err := cw.ng.AddInterface(link, name)
		if err != nil {
			cw.err = err
			return 0, err
		}
		cw.ifaces = append(cw.ifaces, link)
		return id, nil
	}
	if len(cw.ifaces) > 0 && cw.ifaces[0] != link {
		return 0, fmt.Errorf("capture writer: a pcap file has one link type (%v), not also %v: write pcapng for several", cw.ifaces[0], link)
	}
	if cw.pcap == nil {
		p, err := NewWriter(cw.bw, WriterOptions{LinkType: link, Nanosecond: cw.opts.Nanosecond})
		if err != nil {
			cw.err = err
			return 0, err
		}
		cw.pcap = p
	}
	cw.ifaces = append(cw.ifaces, link)
	return len(cw.ifaces) - 1, nil
}

// WritePacket writes one packet captured at ts on interface iface.
// origLen is its length on the wire (0 means len(data)). comments go to
// pcapng as packet comments; pcap has none.
func (cw *CaptureWriter) WritePacket(iface int, ts time.Time, data []byte, origLen int, comments ...string) error {
	if cw.err != nil {
		return cw.err
	}
	if iface < 0 || iface >= len(cw.ifaces) {
		return fmt.Errorf("write packet: interface %d not declared (have %d)", iface, len(cw.ifaces))
	}
	if len(data) > MaxPacket {
		// Only this packet is refused; the file stays good.
		return fmt.Errorf("write packet: %d bytes exceed %d", len(data), MaxPacket)
	}
	var err error
	if cw.ng != nil {
		err = cw.ng.WritePacket(iface, ts, data, origLen, comments...)
	} else {
		err = cw.pcap.WritePacket(ts, data, origLen)
	}
	if err != nil {
		cw.err = err // the destination failed: every later write would too
	}
	return err
}

// Flush writes out what is buffered.
func (cw *CaptureWriter) Flush() error {
	if cw.err != nil {
		return cw.err
	}
	if err := cw.bw.Flush(); err != nil {
		cw.err = fmt.Errorf("write capture: %w", err)
	}
	return cw.err
}

// Close flushes, and closes the file when [CreateCapture] made it.
func (cw *CaptureWriter) Close() error {
	err := cw.Flush()
	if cw.file != nil {
		if cerr := cw.file.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("closing %s: %w", cw.file.Name(), cerr)
		}
		cw.file = nil
	}
	return err
}
