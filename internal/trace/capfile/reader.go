package capfile

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
)

// Format is the container format of a capture file.
type Format int

const (
	PCAP Format = iota + 1
	PCAPNG
)

func (f Format) String() string {
	switch f {
	case PCAP:
		return "pcap"
	case PCAPNG:
		return "pcapng"
	}
	return "unknown"
}

// Reader reads packets one at a time from a pcap or pcapng stream, in
// constant memory.
type Reader struct {
	br     *bufio.Reader
	pf     *prefetch // reads ahead on its own goroutine (NewFileReader); nil otherwise
	direct bool      // the packets come from pf (not through gzip in br)
	format Format
	n      int    // packets returned so far
	buf    []byte // reused for every packet (pcap) or block (pcapng)
	err    error  // sticky: once a read fails, every later call returns it

	pcap pcapState
	ng   ngState
}

// readBufferSize is large enough that the reader touches the file rarely:
// reading is then bound by decoding, not by system calls.
const readBufferSize = 256 << 10

// NewReader reads the file header of r and returns a reader for its packets.
// It recognises the format from the magic number. A gzip-compressed file
// (capture.pcap.gz, as Wireshark reads and writes them) is decompressed on
// the fly.
func NewReader(r io.Reader) (*Reader, error) {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < 64*1024 {
		br = bufio.NewReaderSize(r, readBufferSize)
	}
	return newReader(&Reader{br: br})
}

// NewFileReader is [NewReader] for a file that is read to its end: it reads
// ahead on a goroutine of its own, so that reading overlaps decoding. Call
// [Reader.Close] when done, to stop that goroutine (before closing f).
func NewFileReader(f io.Reader) (*Reader, error) {
	pf := newPrefetch(f)
	rd, err := newReader(&Reader{pf: pf, direct: true})
	if err != nil {
		pf.close()
		return nil, err
	}
	return rd, nil
}

// Close stops the read-ahead of a reader made by [NewFileReader]; for other
// readers it does nothing. The reader must not be used afterwards.
func (r *Reader) Close() error {
	if r.pf != nil {
		r.pf.close()
	}
	return nil
}

// peek returns the next n bytes without consuming them.
func (r *Reader) peek(n int) ([]byte, error) {
	if r.direct {
		return r.pf.peek(n)
	}
	return r.br.Peek(n)
}

func newReader(rd *Reader) (*Reader, error) {
	if m, _ := rd.peek(2); len(m) == 2 && m[0] == 0x1f && m[1] == 0x8b {
		var src io.Reader = rd.br
		if rd.direct {
			src, rd.direct = rd.pf, false
		}
		zr, err := gzip.NewReader(src)
		if err != nil {
			return nil, &FormatError{Msg: fmt.Sprintf("corrupt gzip header: %v", err)}
		}
		rd.br = bufio.NewReaderSize(zr, readBufferSize)
	}
	magic, err := rd.peek(4)
	if err != nil {
		if errors.Is(err, io.EOF) {
			if len(magic) == 0 {
				return nil, &FormatError{Msg: "empty file"}
			}
			return nil, &FormatError{Msg: fmt.Sprintf("truncated file header: file ends after %d bytes", len(magic))}
		}
		return nil, fmt.Errorf("read file header: %w", err)
	}
	switch {
	case isPcapMagic(magic):
		rd.format = PCAP
		err = rd.readPcapHeader()
	case magic[0] == 0x0a && magic[1] == 0x0d && magic[2] == 0x0d && magic[3] == 0x0a:
		rd.format = PCAPNG
		err = rd.readSectionHeader(0)
	default:
		head, _ := rd.peek(32)
		for _, f := range otherFormats {
			if len(head) >= len(f.magic) && string(head[:len(f.magic)]) == f.magic {
				return nil, &UnsupportedFormatError{Name: f.name, Hint: f.hint}
			}
		}
		return nil, ErrNotCapture
	}
	if err != nil {
		return nil, err
	}
	return rd, nil
}

// Format says whether the file is pcap or pcapng.
func (r *Reader) Format() Format { return r.format }

// LinkType is the link type of the first interface: for pcap the only one,
// for pcapng the first interface declared so far (0 when none yet).
func (r *Reader) LinkType() LinkType {
	if r.format == PCAP {
		return r.pcap.link
	}
	if len(r.ng.ifaces) > 0 {
		return r.ng.ifaces[0].link
	}
	return 0
}

// Next returns the next packet. It returns io.EOF after the last packet of
// a well-formed file, and a *FormatError when the file is truncated or
// corrupt; after an error every call returns the same error. The returned
// Record's Data is only valid until the next call.
func (r *Reader) Next() (Record, error) {
	if r.err != nil {
		return Record{}, r.err
	}
	var rec Record
	var err error
	if r.format == PCAP {
		rec, err = r.nextPcap()
	} else {
		rec, err = r.nextNg()
	}
	if err != nil {
		r.err = err
		return Record{}, err
	}
	return rec, nil
}

// readFull reads len(p) bytes and reports how many it got, turning a short
// read into io.ErrUnexpectedEOF (or io.EOF when nothing was read).
func (r *Reader) readFull(p []byte) (int, error) {
	if r.direct {
		b, n, err := r.pf.next(len(p))
		copy(p, b[:n])
		return n, err
	}
	return io.ReadFull(r.br, p)
}

// next returns the next n bytes of the file. They stay in the read buffer
// when they fit (no copy: most packets are read this way), otherwise they
// are copied to r.buf; either way they are valid until the next read. On a
// short read it returns how many bytes there were.
func (r *Reader) next(n int) ([]byte, int, error) {
	if r.direct {
		return r.pf.next(n)
	}
	if n <= r.br.Size() {
		b, err := r.br.Peek(n)
		if err != nil {
			if errors.Is(err, io.EOF) {
				if len(b) == 0 {
					err = io.EOF
				} else {
					err = io.ErrUnexpectedEOF
				}
			}
			return nil, len(b), err
		}
		r.br.Discard(n)
		return b, n, nil
	}
	b := r.grow(n)
	got, err := r.readFull(b)
	return b, got, err
}

// grow returns r.buf resized to n bytes, reallocating only when it must.
func (r *Reader) grow(n int) []byte {
	if cap(r.buf) < n {
		c := 2 * cap(r.buf)
		if c < n {
			c = n
		}
		if c < 2048 {
			c = 2048
		}
		r.buf = make([]byte, c)
	}
	return r.buf[:n]
}
