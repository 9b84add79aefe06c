package lab

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/trace/capfile"
)

// readPcap parses a classic little-endian pcap file: an independent reader,
// so the test checks the format, not the writer against itself.
func readPcap(data []byte) (linkType uint32, packets [][]byte, err error) {
	if len(data) < 24 || binary.LittleEndian.Uint32(data) != 0xa1b2c3d4 {
		return 0, nil, fmt.Errorf("no little-endian microsecond pcap header")
	}
	if v := binary.LittleEndian.Uint16(data[4:]); v != 2 {
		return 0, nil, fmt.Errorf("pcap version %d, want 2", v)
	}
	linkType = binary.LittleEndian.Uint32(data[20:])
	for rest := data[24:]; len(rest) > 0; {
		if len(rest) < 16 {
			return 0, nil, fmt.Errorf("truncated record header")
		}
		incl, orig := binary.LittleEndian.Uint32(rest[8:]), binary.LittleEndian.Uint32(rest[12:])
		if usec := binary.LittleEndian.Uint32(rest[4:]); usec >= 1e6 || incl != orig || int(incl) > len(rest)-16 {
			return 0, nil, fmt.Errorf("bad record header: usec %d, lengths %d/%d", usec, incl, orig)
		}
		packets = append(packets, rest[16:16+incl])
		rest = rest[16+incl:]
	}
	return linkType, packets, nil
}

// checksum is the Internet checksum (RFC 1071) of b, folded, not inverted.
func checksum(sum uint32, b []byte) uint32 {
	for ; len(b) >= 2; b = b[2:] {
		sum += uint32(b[0])<<8 | uint32(b[1])
	}
	if len(b) == 1 {
		sum += uint32(b[0]) << 8
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return sum
}

// checksumsValid checks the IPv4 header checksum and, for an unfragmented
// TCP or UDP packet, the transport checksum over the pseudo-header.
func checksumsValid(pkt []byte) error {
	if len(pkt) < 20 || pkt[0]>>4 != 4 {
		return fmt.Errorf("not IPv4")
	}
	ihl := int(pkt[0]&0xf) * 4
	if checksum(0, pkt[:ihl]) != 0xffff {
		return fmt.Errorf("bad IPv4 header checksum")
	}
	proto := pkt[9]
	fragmented := binary.BigEndian.Uint16(pkt[6:])&0x3fff != 0
	if fragmented || (proto != 6 && proto != 17) {
		return nil
	}
	seg := pkt[ihl:binary.BigEndian.Uint16(pkt[2:])]
	pseudo := checksum(0, pkt[12:20]) + uint32(proto) + uint32(len(seg))
	if proto == 17 && binary.BigEndian.Uint16(seg[6:]) == 0 {
		return fmt.Errorf("UDP checksum left out")
	}
	if checksum(pseudo, seg) != 0xffff {
		return fmt.Errorf("bad transport checksum (protocol %d)", proto)
	}
	return nil
}

func TestPcap(t *testing.T) {
	var capture bytes.Buffer
	l, err := New(Config{Capture: newCapture(t, &capture, capfile.PCAP), Seed: 5, Link: Link{
		RTT: 2 * time.Millisecond, Loss: 0.05, Duplicate: 0.05,
	}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { l.Close() }) // on a failure before the Close below; a second Close is a no-op
	r := record(l)
	transfer(t, l, 200_000)
	if _, err := blastUDP(l, netx.ServerToClient, 100); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	frames := r.all()
	want := len(frames)
	for _, f := range frames {
		if f.Fate == Duplicated {
			want++ // it crossed the wire twice
		}
	}
	linkType, packets, err := readPcap(capture.Bytes())
	if err != nil {
		t.Fatalf("reading the pcap back: %v", err)
	}
	if linkType != 101 {
		t.Errorf("pcap link type %d, want 101 (raw IP)", linkType)
	}
	if len(packets) != want {
		t.Errorf("pcap holds %d packets, want %d: the %d frames the tap saw plus duplicates", len(packets), want, len(frames))
	}
	bad := 0
	for i, p := range packets {
		if err := checksumsValid(p); err != nil {
			if bad++; bad <= 5 {
				t.Errorf("pcap packet %d: %v", i+1, err)
			}
		}
	}

	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark is not installed: skipping the check that Wireshark reads the capture")
	}
	file := filepath.Join(t.TempDir(), "lab.pcap")
	if err := os.WriteFile(file, capture.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	checks := []string{"-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"}
	out, err := exec.Command(tshark, append([]string{"-r", file, "-T", "fields", "-e", "frame.number"}, checks...)...).Output()
	if err != nil {
		t.Fatalf("tshark -r %s: %v", file, err)
	}
	if n := len(strings.Fields(string(out))); n != want {
		t.Errorf("tshark counted %d packets, want %d", n, want)
	}
	out, err = exec.Command(tshark, append([]string{"-r", file, "-V"}, checks...)...).Output()
	if err != nil {
		t.Fatalf("tshark -r %s -V: %v", file, err)
	}
	correct := strings.Count(string(out), "[correct]")
	if strings.Contains(string(out), "[incorrect") || correct < want {
		t.Errorf("tshark found %d correct checksums in %d packets, and these problems:\n%s", correct, want, grepLines(string(out), "incorrect"))
	}
}

// grepLines returns the lines of s that contain substr.
func grepLines(s, substr string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, substr) {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("disk full") }

func TestPcapWriterError(t *testing.T) {
	for _, format := range []capfile.Format{capfile.PCAP, capfile.PCAPNG} {
		if l, err := New(Config{Capture: newCapture(t, failingWriter{}, format)}); err == nil {
			l.Close()
			t.Fatalf("New with a failing %v writer succeeded, want the error", format)
		}
	}
}

// newCapture starts a capture of the given format on w.
func newCapture(t *testing.T, w io.Writer, format capfile.Format) *capfile.CaptureWriter {
	t.Helper()
	cw, err := capfile.NewCaptureWriter(w, capfile.CaptureOptions{Format: format, Application: "lab test"})
	if err != nil {
		t.Fatalf("NewCaptureWriter: %v", err)
	}
	return cw
}

// TestPcapngPerLink captures client → proxy → server as pcapng: each link
// is its own interface, named for its hosts, and tshark puts every frame
// on the interface of the link the tap saw it on, with dropped frames
// commented.
func TestPcapngPerLink(t *testing.T) {
	var capture bytes.Buffer
	l, err := New(Config{Capture: newCapture(t, &capture, capfile.PCAPNG), Seed: 3, Link: Link{RTT: 2 * time.Millisecond, Loss: 0.05},
		Topology: &Topology{
			Hosts: []string{"client", "proxy", "server"},
			Links: []Cable{{A: "client", B: "proxy"}, {A: "proxy", B: "server"}},
		}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	r := record(l)
	app, err := l.Server().Listen(context.Background(), "tcp", ":80")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := app.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	t.Cleanup(func() { app.Close() })
	relay(t, l.Host("proxy"), ServerName+":80")
	ctx := testContext(t, 20*time.Second)
	c, err := l.Client().Dial(ctx, "tcp", "proxy.test:8080")
	if err != nil {
		t.Fatalf("dialling the proxy: %v", err)
	}
	msg := bytes.Repeat([]byte("x"), 50_000)
	go func() { c.Write(msg); c.(interface{ CloseWrite() error }).CloseWrite() }()
	if got, err := io.ReadAll(c); err != nil || len(got) != len(msg) {
		t.Fatalf("echo through the proxy: %d bytes, %v; want %d", len(got), err, len(msg))
	}
	c.Close()
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	var want []string // "interface dropped" per packet, in file order
	drops := 0
	for _, f := range r.all() {
		dropped := f.Fate == Dropped
		if dropped {
			drops++
		}
		want = append(want, fmt.Sprintf("%d %v", f.Link, dropped))
		if f.Fate == Duplicated {
			want = append(want, fmt.Sprintf("%d %v", f.Link, dropped))
		}
	}
	if drops == 0 {
		t.Fatal("no frame was dropped: the test checks nothing about comments; change the seed")
	}
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark is not installed: apt-get install tshark")
	}
	file := filepath.Join(t.TempDir(), "lab.pcapng")
	if err := os.WriteFile(file, capture.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tshark, "-r", file, "-T", "fields", "-E", "separator=|",
		"-e", "frame.interface_id", "-e", "frame.interface_name", "-e", "frame.comment", "-e", "ip.src").Output()
	if err != nil {
		t.Fatalf("tshark -r %s: %v", file, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(want) {
		t.Fatalf("tshark read %d packets, want %d", len(lines), len(want))
	}
	names := []string{"link 0: client.test–proxy.test", "link 1: proxy.test–server.test"}
	for i, line := range lines {
		f := strings.Split(line, "|")
		got := fmt.Sprintf("%s %v", f[0], strings.Contains(f[2], "dropped"))
		if got != want[i] {
			t.Errorf("packet %d: interface and dropped %q, want %q (tshark: %s)", i+1, got, want[i], line)
			continue
		}
		if id := int(f[0][0] - '0'); f[1] != names[id] {
			t.Errorf("packet %d: interface name %q, want %q", i+1, f[1], names[id])
		}
	}
}
