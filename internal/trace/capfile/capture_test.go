package capfile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFormatOf(t *testing.T) {
	for path, want := range map[string]Format{
		"a.pcapng": PCAPNG, "DIR/A.PCAPNG": PCAPNG, "a.pcap": PCAP, "a": PCAP, "a.pcapng.pcap": PCAP,
	} {
		if got := FormatOf(path); got != want {
			t.Errorf("FormatOf(%q) = %v, want %v", path, got, want)
		}
	}
}

// TestCaptureWriter writes the same packets in both formats and reads them
// back: pcapng keeps the interfaces and comments, pcap has one interface
// and no comments.
func TestCaptureWriter(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)
	pkts := [][]byte{{0x45, 1, 2}, {0x45, 3}, {0x45, 4, 5, 6, 7}}
	for _, format := range []Format{PCAP, PCAPNG} {
		var buf bytes.Buffer
		cw, err := NewCaptureWriter(&buf, CaptureOptions{Format: format, Nanosecond: true})
		if err != nil {
			t.Fatal(err)
		}
		a, err1 := cw.AddInterface(LinkRaw, "link 0")
		b, err2 := cw.AddInterface(LinkRaw, "link 1")
		if err1 != nil || err2 != nil || a != 0 || b != 1 {
			t.Fatalf("%v: AddInterface = %d, %v and %d, %v; want 0 and 1", format, a, err1, b, err2)
		}
		for i, p := range pkts {
			if err := cw.WritePacket(i%2, t0.Add(time.Duration(i)*time.Second), p, 0, "note"); err != nil {
				t.Fatalf("%v: WritePacket: %v", format, err)
			}
		}
		if err := cw.WritePacket(2, t0, pkts[0], 0); err == nil {
			t.Errorf("%v: WritePacket on an undeclared interface succeeded", format)
		}
		if err := cw.Flush(); err != nil {
			t.Fatal(err)
		}
		rd, err := NewReader(&buf)
		if err != nil {
			t.Fatalf("%v: reading back: %v", format, err)
		}
		if rd.Format() != format {
			t.Errorf("wrote %v, read %v", format, rd.Format())
		}
		for i := 0; ; i++ {
			rec, err := rd.Next()
			if err == io.EOF {
				if i != len(pkts) {
					t.Errorf("%v: read %d packets, want %d", format, i, len(pkts))
				}
				break
			}
			if err != nil {
				t.Fatalf("%v: packet %d: %v", format, i+1, err)
			}
			wantIface, wantComments := i%2, []string{"note"}
			if format == PCAP {
				wantIface, wantComments = 0, nil
			}
			if !bytes.Equal(rec.Data, pkts[i]) || !rec.Time.Equal(t0.Add(time.Duration(i)*time.Second)) ||
				rec.Interface != wantIface || strings.Join(rec.Comments, ",") != strings.Join(wantComments, ",") || rec.LinkType != LinkRaw {
				t.Errorf("%v: packet %d = %x at %v on %d with %q (%v); want %x at %v on %d with %q",
					format, i+1, rec.Data, rec.Time, rec.Interface, rec.Comments, rec.LinkType, pkts[i], t0.Add(time.Duration(i)*time.Second), wantIface, wantComments)
			}
		}
	}
}

func TestCaptureWriterPcapOneLinkType(t *testing.T) {
	cw, _ := NewCaptureWriter(io.Discard, CaptureOptions{})
	if _, err := cw.AddInterface(LinkRaw, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := cw.AddInterface(LinkEthernet, ""); err == nil || !strings.Contains(err.Error(), "pcapng") {
		t.Errorf("a second link type in pcap: %v, want an error suggesting pcapng", err)
	}
}

type brokenWriter struct{}

func (brokenWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestCaptureWriterStickyError: once the destination fails, every call
// says so; a packet too long for any reader only refuses itself.
func TestCaptureWriterStickyError(t *testing.T) {
	var buf bytes.Buffer
	cw, _ := NewCaptureWriter(&buf, CaptureOptions{Format: PCAPNG})
	cw.AddInterface(LinkRaw, "")
	if err := cw.WritePacket(0, time.Now(), make([]byte, MaxPacket+1), 0); err == nil {
		t.Error("a packet over MaxPacket was written")
	}
	if err := cw.WritePacket(0, time.Now(), []byte{0x45}, 0); err != nil {
		t.Errorf("after a refused packet, WritePacket: %v", err)
	}
	cw, _ = NewCaptureWriter(brokenWriter{}, CaptureOptions{Format: PCAPNG})
	if err := cw.Flush(); err == nil {
		t.Fatal("Flush to a broken writer succeeded")
	}
	if _, err := cw.AddInterface(LinkRaw, ""); err == nil {
		t.Error("AddInterface after a failed flush succeeded")
	}
}

// TestCreateCaptureTshark writes a named-interface pcapng file and asks
// tshark for the names.
func TestCreateCaptureTshark(t *testing.T) {
	path := filepath.Join(t.TempDir(), "two.pcapng")
	cw, err := CreateCapture(path, CaptureOptions{Format: FormatOf(path), Application: "capfile test"})
	if err != nil {
		t.Fatal(err)
	}
	udp := []byte{0x45, 0, 0, 29, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0, 7, 0, 7, 0, 9, 0, 0, 'x'}
	for i, name := range []string{"link 0: a–b", "link 1: b–c"} {
		id, _ := cw.AddInterface(LinkRaw, name)
		cw.WritePacket(id, time.Unix(int64(i), 0), udp, 0, "hello")
	}
	if err := cw.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark is not installed: apt-get install tshark")
	}
	out, err := exec.Command(tshark, "-r", path, "-T", "fields", "-e", "frame.interface_name", "-e", "frame.comment").Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	if got, want := string(out), "link 0: a–b\thello\nlink 1: b–c\thello\n"; got != want {
		t.Errorf("tshark reads\n%s\nwant\n%s", got, want)
	}
}
