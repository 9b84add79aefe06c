package capfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

var t0 = time.Date(2026, 3, 1, 8, 30, 0, 123456789, time.UTC)

func readAll(t *testing.T, b []byte) ([]Record, error) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	var out []Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		rec.Data = bytes.Clone(rec.Data)
		out = append(out, rec)
	}
}

func TestPcapRoundTrip(t *testing.T) {
	tests := []struct {
		desc   string
		opts   WriterOptions
		want   time.Time
		digits int
	}{
		{"little endian, microseconds", WriterOptions{LinkType: LinkEthernet}, t0.Truncate(time.Microsecond), 6},
		{"big endian, microseconds", WriterOptions{LinkType: LinkRaw, BigEndian: true}, t0.Truncate(time.Microsecond), 6},
		{"little endian, nanoseconds", WriterOptions{LinkType: LinkSLL2, Nanosecond: true}, t0, 9},
		{"big endian, nanoseconds", WriterOptions{LinkType: LinkNull, Nanosecond: true, BigEndian: true}, t0, 9},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		w.WritePacket(t0, []byte{1, 2, 3}, 60)
		w.WritePacket(t0.Add(time.Second), []byte{4}, 0)
		recs, err := readAll(t, buf.Bytes())
		if err != nil || len(recs) != 2 {
			t.Fatalf("%s: %d records, error %v", tt.desc, len(recs), err)
		}
		r := recs[0]
		if !r.Time.Equal(tt.want) || r.LinkType != tt.opts.LinkType || r.OrigLen != 60 || !bytes.Equal(r.Data, []byte{1, 2, 3}) ||
			r.TimeDigits != tt.digits || r.Number != 1 || recs[1].Number != 2 || recs[1].OrigLen != 1 {
			t.Errorf("%s: got %+v, want time %v", tt.desc, r, tt.want)
		}
	}
}

// ngBlock builds one little-endian pcapng block.
func ngBlock(typ uint32, body []byte) []byte {
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	n := uint32(12 + len(body))
	b := binary.LittleEndian.AppendUint32(nil, typ)
	b = binary.LittleEndian.AppendUint32(b, n)
	b = append(b, body...)
	return binary.LittleEndian.AppendUint32(b, n)
}

func shb() []byte {
	body := binary.LittleEndian.AppendUint32(nil, byteOrderMagic)
	body = append(body, 1, 0, 0, 0)
	body = binary.LittleEndian.AppendUint64(body, ^uint64(0))
	return ngBlock(blockSHB, body)
}

func idb(link LinkType, opts ...[]byte) []byte {
	body := binary.LittleEndian.AppendUint16(nil, uint16(link))
	body = append(body, 0, 0)
	body = binary.LittleEndian.AppendUint32(body, 0)
	for _, o := range opts {
		body = append(body, o...)
	}
	return ngBlock(blockIDB, body)
}

func option(code uint16, v []byte) []byte {
	b := binary.LittleEndian.AppendUint16(nil, code)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(v)))
	b = append(b, v...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func TestPcapngBlocks(t *testing.T) {
	var f []byte
	f = append(f, shb()...)
	f = append(f, idb(LinkEthernet)...)                                   // interface 0: microseconds
	f = append(f, idb(LinkRaw, option(optTsresol, []byte{0x80 | 10}))...) // interface 1: 2^-10 s
	f = append(f, ngBlock(0x00000005, make([]byte, 16))...)               // statistics: skipped
	// Enhanced packet on interface 1 at 1.5 s, with a comment.
	epb := binary.LittleEndian.AppendUint32(nil, 1)
	epb = binary.LittleEndian.AppendUint32(epb, 0)
	epb = binary.LittleEndian.AppendUint32(epb, 1536)
	epb = binary.LittleEndian.AppendUint32(epb, 3)
	epb = binary.LittleEndian.AppendUint32(epb, 3)
	epb = append(epb, 0xaa, 0xbb, 0xcc, 0)
	epb = append(epb, option(optComment, []byte("hello"))...)
	f = append(f, ngBlock(blockEPB, epb)...)
	// Simple packet on interface 0.
	spb := binary.LittleEndian.AppendUint32(nil, 2)
	f = append(f, ngBlock(blockSPB, append(spb, 1, 2, 0, 0))...)
	// Obsolete packet block on interface 0 at 2 s.
	pb := binary.LittleEndian.AppendUint16(nil, 0)
	pb = append(pb, 0, 0)
	pb = binary.LittleEndian.AppendUint32(pb, 0)
	pb = binary.LittleEndian.AppendUint32(pb, 2_000_000)
	pb = binary.LittleEndian.AppendUint32(pb, 1)
	pb = binary.LittleEndian.AppendUint32(pb, 1)
	f = append(f, ngBlock(blockPB, append(pb, 9))...)
	// A second section restarts interface numbering.
	f = append(f, shb()...)
	f = append(f, idb(LinkSLL2, option(optTsresol, []byte{9}), option(optTsoff, binary.LittleEndian.AppendUint64(nil, 10)))...)
	epb2 := binary.LittleEndian.AppendUint32(nil, 0)
	epb2 = binary.LittleEndian.AppendUint32(epb2, 0)
	epb2 = binary.LittleEndian.AppendUint32(epb2, 5)
	epb2 = binary.LittleEndian.AppendUint32(epb2, 0)
	epb2 = binary.LittleEndian.AppendUint32(epb2, 0)
	f = append(f, ngBlock(blockEPB, epb2)...)

	recs, err := readAll(t, f)
	if err != nil || len(recs) != 4 {
		t.Fatalf("%d records, error %v", len(recs), err)
	}
	want := []struct {
		link     LinkType
		time     time.Time
		data     []byte
		comments []string
	}{
		{LinkRaw, time.Unix(1, 5e8), []byte{0xaa, 0xbb, 0xcc}, []string{"hello"}},
		{LinkEthernet, time.Unix(0, 0), []byte{1, 2}, nil},
		{LinkEthernet, time.Unix(2, 0), []byte{9}, nil},
		{LinkSLL2, time.Unix(10, 5), []byte{}, nil},
	}
	for i, w := range want {
		r := recs[i]
		if r.LinkType != w.link || !r.Time.Equal(w.time) || !bytes.Equal(r.Data, w.data) || strings.Join(r.Comments, "|") != strings.Join(w.comments, "|") {
			t.Errorf("record %d = %+v, want %+v", i+1, r, w)
		}
	}
}

func TestNgWriterRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewNgWriter(&buf, "test")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := w.AddInterface(LinkRaw, "")
	b, _ := w.AddInterface(LinkEthernet, "")
	w.WritePacket(a, t0, []byte{1, 2, 3, 4, 5}, 0, "first", "握手 1/3")
	w.WritePacket(b, t0.Add(time.Millisecond), []byte{6}, 1514)
	if err := w.WritePacket(7, t0, nil, 0); err == nil {
		t.Error("WritePacket on an undeclared interface: no error")
	}
	recs, err := readAll(t, buf.Bytes())
	if err != nil || len(recs) != 2 {
		t.Fatalf("%d records, error %v", len(recs), err)
	}
	if !recs[0].Time.Equal(t0) || recs[0].TimeDigits != 9 || strings.Join(recs[0].Comments, "|") != "first|握手 1/3" ||
		recs[1].LinkType != LinkEthernet || recs[1].OrigLen != 1514 || recs[1].Interface != 1 {
		t.Errorf("records = %+v", recs)
	}
}

func TestErrors(t *testing.T) {
	var pcap bytes.Buffer
	w, _ := NewWriter(&pcap, WriterOptions{LinkType: LinkRaw})
	w.WritePacket(t0, make([]byte, 100), 0)
	w.WritePacket(t0, make([]byte, 1514), 0)
	p := pcap.Bytes()
	badEPB := append(append(shb(), idb(LinkRaw)...), ngBlock(blockEPB, make([]byte, 20))...)
	binary.LittleEndian.PutUint32(badEPB[len(badEPB)-24:], 3) // interface 3
	mismatch := append(shb(), idb(LinkRaw)...)
	// A simple packet block holds no captured length: one bigger than
	// MaxPacket (snaplen 0, original length as big) is corrupt, as an
	// enhanced packet block of that size is.
	bigSPB := binary.LittleEndian.AppendUint32(nil, MaxPacket+4)
	bigSPB = append(append(shb(), idb(LinkRaw)...), ngBlock(blockSPB, append(bigSPB, make([]byte, MaxPacket+4)...))...)
	binary.LittleEndian.PutUint32(mismatch[len(mismatch)-4:], 99)
	tests := []struct {
		desc string
		file []byte
		n    int // records read before the error
		err  string
	}{
		{"empty", nil, 0, "empty file"},
		{"unknown magic", []byte("GIF89a......"), 0, "not a pcap or pcapng file"},
		{"short pcap header", p[:20], 0, "truncated pcap file header: 24 bytes expected, file ends after 20"},
		{"pcap version", append([]byte{0xd4, 0xc3, 0xb2, 0xa1, 9, 0}, p[6:]...), 0, "unsupported pcap version 9.4"},
		{"truncated record", p[:len(p)-914], 1, "packet 2: truncated record: header says 1514 bytes, file ends after 600"},
		{"truncated record header", p[:24+16+100+5], 1, "packet 2: truncated record header: header says 16 bytes, file ends after 5"},
		{"pcapng bad byte order magic", append(shb()[:8], 1, 2, 3, 4), 0, "byte-order magic"},
		{"pcapng interface out of range", badEPB, 0, "packet 1: corrupt packet block: interface 3, but 1 declared"},
		{"pcapng length mismatch", mismatch, 0, "length 20 at its start but 99 at its end"},
		{"pcapng simple packet too big", bigSPB, 0, "packet 1: corrupt simple packet block: 262148 bytes, more than the 262144 a packet may have"},
		{"pcapng truncated block", append(shb(), idb(LinkRaw)[:10]...), 0, "packet 1: truncated block: header says 20 bytes, file ends after 10"},
	}
	for _, tt := range tests {
		recs, err := readAll(t, tt.file)
		var fe *FormatError
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: error = %v, want %q", tt.desc, err, tt.err)
		} else if !errors.As(err, &fe) && !errors.Is(err, ErrNotCapture) {
			t.Errorf("%s: error %v is not a *FormatError", tt.desc, err)
		}
		if len(recs) != tt.n {
			t.Errorf("%s: %d records before the error, want %d", tt.desc, len(recs), tt.n)
		}
	}
}

func TestOtherFormatsNamed(t *testing.T) {
	for _, tt := range []struct{ file, want string }{
		{"snoop\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x04", "a Sun snoop capture, which netdemo does not read; convert it to pcapng first: editcap -F pcapng"},
		{"\x28\xb5\x2f\xfd\x24\x00\x01\x00", "a zstd-compressed file, which netdemo does not read; decompress it first (zstd -d)"},
		{"GMBU\x00\x02\x00\x00", "a Microsoft Network Monitor 2 capture"},
	} {
		_, err := NewReader(strings.NewReader(tt.file))
		var ue *UnsupportedFormatError
		if !errors.As(err, &ue) || !strings.HasPrefix(err.Error(), tt.want) || !errors.Is(err, ErrNotCapture) {
			t.Errorf("%q: error %v, want %q", tt.file[:4], err, tt.want)
		}
	}
}

func TestLinkTypeString(t *testing.T) {
	for l, want := range map[LinkType]string{147: "USER0", 1: "ETHERNET", 276: "LINUX_SLL2", 4242: "4242"} {
		if got := l.String(); got != want {
			t.Errorf("LinkType(%d).String() = %q, want %q", l, got, want)
		}
	}
}

// FuzzReader reads arbitrary bytes as a capture: it must never panic nor
// return a record longer than MaxPacket.
func FuzzReader(f *testing.F) {
	var pcap, ng bytes.Buffer
	w, _ := NewWriter(&pcap, WriterOptions{LinkType: LinkEthernet, Nanosecond: true})
	w.WritePacket(t0, make([]byte, 60), 0)
	nw, _ := NewNgWriter(&ng, "fuzz")
	nw.AddInterface(LinkRaw, "")
	nw.WritePacket(0, t0, []byte{0x45, 0, 0, 20}, 0, "comment")
	f.Add(pcap.Bytes())
	f.Add(ng.Bytes())
	for _, name := range []string{"mixed-links.pcapng", "loopback-spb.pcapng", "loopback-modified.pcap", "loopback-any.pcap.gz"} {
		b, err := os.ReadFile("../testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(len(b), 2048)])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, open := range []func() (*Reader, error){
			func() (*Reader, error) { return NewReader(bytes.NewReader(data)) },
			func() (*Reader, error) { return NewFileReader(iotest.HalfReader(bytes.NewReader(data))) },
		} {
			r, err := open()
			if err != nil {
				continue
			}
			for range 1000 {
				rec, err := r.Next()
				if err != nil {
					break
				}
				if len(rec.Data) > MaxPacket {
					t.Fatalf("record of %d bytes", len(rec.Data))
				}
			}
			r.Close()
		}
	})
}

// TestFileReaderSameAsReader reads the same files with NewReader and with
// NewFileReader (whole reads, and one byte per read so that every packet
// straddles read-ahead chunks): the same records and the same errors.
func TestFileReaderSameAsReader(t *testing.T) {
	var pcap, ng bytes.Buffer
	w, _ := NewWriter(&pcap, WriterOptions{LinkType: LinkEthernet, Nanosecond: true})
	nw, _ := NewNgWriter(&ng, "test")
	nw.AddInterface(LinkRaw, "")
	for i := range 3000 {
		w.WritePacket(t0.Add(time.Duration(i)), bytes.Repeat([]byte{byte(i)}, i%1600), 0)
		nw.WritePacket(0, t0, bytes.Repeat([]byte{byte(i)}, i%700), 0, "c")
	}
	files := [][]byte{pcap.Bytes(), ng.Bytes(), pcap.Bytes()[:pcap.Len()-100], ng.Bytes()[:ng.Len()-7], nil, {0xd4, 0xc3}}
	for _, name := range []string{"loopback-any.pcap.gz", "loopback-spb.pcapng", "loopback-modified.pcap"} {
		b, err := os.ReadFile("../testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, b)
	}
	read := func(r *Reader, err error) (recs []string, _ string) {
		if err != nil {
			return nil, err.Error()
		}
		defer r.Close()
		for {
			rec, err := r.Next()
			if err != nil {
				if err == io.EOF {
					return recs, ""
				}
				return recs, err.Error()
			}
			recs = append(recs, fmt.Sprintf("%d %v %d %x %q", rec.Number, rec.Time, rec.OrigLen, rec.Data, rec.Comments))
		}
	}
	// A pcap of several read-ahead chunks, packets straddling their ends.
	var big bytes.Buffer
	w, _ = NewWriter(&big, WriterOptions{LinkType: LinkRaw})
	for i := range 3000 {
		w.WritePacket(t0, bytes.Repeat([]byte{byte(i)}, 100+i%1400), 0)
	}
	files = append(files, big.Bytes(), big.Bytes()[:big.Len()-1])
	dir := t.TempDir()
	for i, f := range files {
		want, wantErr := read(NewReader(bytes.NewReader(f)))
		// A real file, read from an offset.
		path := fmt.Sprintf("%s/%d", dir, i)
		if err := os.WriteFile(path, append([]byte("xyz"), f...), 0o644); err != nil {
			t.Fatal(err)
		}
		file, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		file.Seek(3, io.SeekStart)
		sources := []io.Reader{file, bytes.NewReader(f), iotest.HalfReader(bytes.NewReader(f))}
		if len(f) < 1<<20 {
			sources = append(sources, iotest.OneByteReader(bytes.NewReader(f)))
		}
		for j, src := range sources {
			got, gotErr := read(NewFileReader(src))
			if gotErr != wantErr || strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("file %d, source %d: %d records, error %q; want %d records, error %q", i, j, len(got), gotErr, len(want), wantErr)
			}
		}
		file.Close()
	}
}
