package trace

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netdemo/netdemo/internal/packet/packettest"
	"github.com/netdemo/netdemo/internal/trace/capfile"
)

func readString(t *testing.T, file []byte, opts Options) (string, Summary, error) {
	t.Helper()
	var out bytes.Buffer
	sum, err := Read(context.Background(), bytes.NewReader(file), &out, opts)
	return out.String(), sum, err
}

// ipv6SYN is a TCP SYN from 2001:db8::1 to 2001:db8::2, port 443.
func ipv6SYN() []byte {
	src := netipBytes("2001:db8::1")
	dst := netipBytes("2001:db8::2")
	tcp := make([]byte, 20)
	binary.BigEndian.PutUint16(tcp, 50000)
	binary.BigEndian.PutUint16(tcp[2:], 443)
	binary.BigEndian.PutUint32(tcp[4:], 7)
	tcp[12], tcp[13] = 5<<4, flagSYN
	binary.BigEndian.PutUint16(tcp[14:], 65535)
	ip := []byte{0x60, 0, 0, 0, 0, 20, protoTCP, 64}
	ip = append(append(append(ip, src[:]...), dst[:]...), tcp...)
	return ip
}

func netipBytes(s string) [16]byte {
	var b [16]byte
	switch s {
	case "2001:db8::1":
		b = [16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 1}
	case "2001:db8::2":
		b = [16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 2}
	}
	return b
}

// TestLinkTypes reads the same handshake wrapped in every supported link
// layer, in pcap of both byte orders and timestamp precisions.
func TestLinkTypes(t *testing.T) {
	c := newConv()
	c.handshake()
	links := []capfile.LinkType{
		capfile.LinkEthernet, capfile.LinkRaw, capfile.LinkIPv4, capfile.LinkRawBSD12, capfile.LinkRawBSD14,
		capfile.LinkLinuxSLL, capfile.LinkSLL2, capfile.LinkNull, capfile.LinkLoop,
	}
	for _, link := range links {
		for _, wo := range []capfile.WriterOptions{{}, {BigEndian: true, Nanosecond: true}} {
			out, sum, err := readString(t, c.pcap(t, link, wo), Options{})
			if err != nil {
				t.Errorf("%v %+v: Read error %v", link, wo, err)
				continue
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if sum.Packets != 3 || sum.Handshakes != 1 || len(lines) != 3 {
				t.Errorf("%v %+v: %d packets, %d handshakes, output:\n%s", link, wo, sum.Packets, sum.Handshakes, out)
				continue
			}
			wantTime := "0.010000"
			if wo.Nanosecond {
				wantTime = "0.010000000"
			}
			if !strings.Contains(lines[1], " "+wantTime+" ") || !strings.Contains(lines[1], "192.0.2.2 → 192.0.2.1") ||
				!strings.Contains(lines[1], "[SYN, ACK]") {
				t.Errorf("%v %+v: line 2 = %q", link, wo, lines[1])
			}
		}
	}
	// IPv6 over the link types that carry it.
	for _, link := range []capfile.LinkType{capfile.LinkEthernet, capfile.LinkRaw, capfile.LinkIPv6, capfile.LinkNull, capfile.LinkLoop, capfile.LinkSLL2} {
		var buf bytes.Buffer
		w, _ := capfile.NewWriter(&buf, capfile.WriterOptions{LinkType: link})
		w.WritePacket(t0, packettest.WithLink(link, ipv6SYN()), 0)
		out, _, err := readString(t, buf.Bytes(), Options{})
		if err != nil || !strings.Contains(out, "2001:db8::1 → 2001:db8::2  TCP ") || !strings.Contains(out, "50000 → 443 [SYN] Seq=0 Win=65535 Len=0") {
			t.Errorf("IPv6 over %v: err %v, output %q", link, err, out)
		}
	}
}

// TestPcapngInterfaces reads a pcapng file whose packets come from two
// interfaces with different link types, as a capture on "any" plus a
// loopback would.
func TestPcapngInterfaces(t *testing.T) {
	c := newConv()
	c.handshake()
	var buf bytes.Buffer
	nw, err := capfile.NewNgWriter(&buf, "test")
	if err != nil {
		t.Fatal(err)
	}
	eth, _ := nw.AddInterface(capfile.LinkEthernet, "")
	sll, _ := nw.AddInterface(capfile.LinkSLL2, "")
	for i, p := range c.pkts {
		id, link := eth, capfile.LinkEthernet
		if i%2 == 1 {
			id, link = sll, capfile.LinkSLL2
		}
		if err := nw.WritePacket(id, c.times[i], packettest.WithLink(link, p), 0); err != nil {
			t.Fatal(err)
		}
	}
	out, sum, err := readString(t, buf.Bytes(), Options{})
	if err != nil || sum.Handshakes != 1 || !strings.Contains(out, "    3 0.020000000    192.0.2.1 → 192.0.2.2    TCP 54 49152 → 80 [ACK]") {
		t.Errorf("err %v, summary %+v, output:\n%s", err, sum, out)
	}
}

func TestUnknownLinkType(t *testing.T) {
	var buf bytes.Buffer
	w, _ := capfile.NewWriter(&buf, capfile.WriterOptions{LinkType: 147})
	w.WritePacket(t0, []byte{1, 2, 3}, 0)
	_, _, err := readString(t, buf.Bytes(), Options{})
	var ule *UnsupportedLinkTypeError
	if !errors.As(err, &ule) || err.Error() != "unsupported link type 147 (USER0)" {
		t.Errorf("Read error = %v, want unsupported link type 147 (USER0)", err)
	}
}

// TestTruncatedAndCorrupt checks that every readable packet is printed and
// that the error names the packet and the problem.
func TestTruncatedAndCorrupt(t *testing.T) {
	c := newConv()
	c.handshake().client(flagPSH|flagACK, payload(100))
	pcap := c.pcap(t, capfile.LinkRaw, capfile.WriterOptions{})
	var ng bytes.Buffer
	if _, err := Annotate(context.Background(), bytes.NewReader(pcap), &ng, Options{}); err != nil {
		t.Fatal(err)
	}
	lastLen := len(c.pkts[3]) // 140 bytes
	corrupt := bytes.Clone(pcap)
	// The length field of the second record: 24 (file header) + 16 + len(p1) + 8.
	binary.LittleEndian.PutUint32(corrupt[24+16+len(c.pkts[0])+8:], 1<<30)
	tests := []struct {
		desc  string
		file  []byte
		lines int
		err   string
	}{
		{"pcap cut inside the last record", pcap[:len(pcap)-40], 3,
			"packet 4: truncated record: header says 140 bytes, file ends after 100"},
		{"pcap cut inside a record header", pcap[:len(pcap)-lastLen-6], 3,
			"packet 4: truncated record header: header says 16 bytes, file ends after 10"},
		{"pcap with an absurd record length", corrupt, 1,
			"packet 2: corrupt record: header says 1073741824 bytes, more than the 262144 a packet may have"},
		{"pcapng cut inside the last block", ng.Bytes()[:ng.Len()-30], 3, "packet 4: truncated block: header says"},
		{"file header only", pcap[:10], 0, "truncated pcap file header: 24 bytes expected, file ends after 10"},
		{"not a capture", []byte("hello, world"), 0, "not a pcap or pcapng file"},
	}
	for _, tt := range tests {
		out, _, err := readString(t, tt.file, Options{})
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: error = %v, want it to contain %q", tt.desc, err, tt.err)
		}
		if n := strings.Count(out, "\n"); n != tt.lines {
			t.Errorf("%s: printed %d lines before the error, want %d:\n%s", tt.desc, n, tt.lines, out)
		}
	}
}

// TestAnnotateComments writes notes as pcapng comments and reads them back.
func TestAnnotateComments(t *testing.T) {
	c := newConv()
	dupAcks(c)
	var ng bytes.Buffer
	pcap := c.pcap(t, capfile.LinkRaw, capfile.WriterOptions{})
	if _, err := Annotate(context.Background(), bytes.NewReader(pcap), &ng, Options{Lang: "zh"}); err != nil {
		t.Fatal(err)
	}
	want := c.analyze(t, Options{Lang: "zh"})
	r, err := capfile.NewReader(&ng)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		rec, err := r.Next()
		if err == io.EOF {
			if i != len(want) {
				t.Errorf("read %d packets back, want %d", i, len(want))
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Comments) != 1 || !strings.HasSuffix(rec.Comments[0], want[i].Note) {
			t.Errorf("packet %d comments = %q, want the note %q", i+1, rec.Comments, want[i].Note)
		}
		if !rec.Time.Equal(c.times[i]) || !bytes.Equal(rec.Data, c.pkts[i]) {
			t.Errorf("packet %d changed on the way", i+1)
		}
	}
}

func TestJSONLines(t *testing.T) {
	c := newConv()
	c.handshake()
	out, _, err := readString(t, c.pcap(t, capfile.LinkRaw, capfile.WriterOptions{}), Options{JSON: true, Notes: true})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d JSON lines, want 4", len(lines))
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &p); err != nil {
		t.Fatal(err)
	}
	if p["kind"] != "packet" || p["flags"] != "SYN,ACK" || p["seq"] != 0.0 || p["ack"] != 1.0 || p["src"] != "192.0.2.2" {
		t.Errorf("packet 2 = %v", p)
	}
	// The result line: the counts at the top level, as `run trace --json`
	// has them, and the flows as a list under flow_list.
	var res map[string]any
	if err := json.Unmarshal([]byte(lines[3]), &res); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"packets", "flows", "handshakes", "teardowns", "resets", "retransmissions", "dup_acks", "out_of_order", "udp_datagrams"} {
		if _, ok := res[k].(float64); !ok {
			t.Errorf("result has no number %q: %s", k, lines[3])
		}
	}
	list, _ := res["flow_list"].([]any)
	if res["kind"] != "result" || res["packets"] != 3.0 || res["handshakes"] != 1.0 || res["flows"] != 1.0 || len(list) != 1 {
		t.Fatalf("result = %s", lines[3])
	}
	if fl, _ := list[0].(map[string]any); fl["client"] != "192.0.2.1:49152" || fl["handshake"] != true {
		t.Errorf("flow_list[0] = %v", list[0])
	}
	if _, ok := res["summary"]; ok {
		t.Errorf("result still has a summary object: %s", lines[3])
	}
}

func TestReadFileOutputs(t *testing.T) {
	c := newConv()
	teardown3(c)
	path := filepath.Join(t.TempDir(), "t.pcap")
	if err := os.WriteFile(path, c.pcap(t, capfile.LinkRaw, capfile.WriterOptions{}), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	_, err := ReadFile(context.Background(), path, &out, Options{Notes: true, Flows: true, Ladder: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"      ↳ handshake 1/3", "|-- SYN seq=0", "SYN+ACK seq=0 ack=1 --|", "Flows (1):",
		"192.0.2.1:49152 → 192.0.2.2:80", "fin", "6 packets, 1 flows: 1 handshakes, 1 teardowns"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := ReadFile(context.Background(), filepath.Join(t.TempDir(), "missing.pcap"), io.Discard, Options{}); err == nil {
		t.Error("ReadFile of a missing file: no error")
	}
}

func TestMermaid(t *testing.T) {
	c := newConv()
	dupAcks(c)
	var out bytes.Buffer
	if err := WriteMermaid(&out, c.analyze(t, Options{}), LadderOptions{Notes: true}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"sequenceDiagram", "participant C as client 192.0.2.1", "C->>S: 1. SYN seq=0",
		"S->>C: 13. [Fast Retransmission] ACK seq=1001", "C->>S: 10. [Dup ACK] ACK seq=1 ack=1001", "duplicate ACK #35;1", "Note over C,S: handshake 1/3"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("mermaid lacks %q:\n%s", want, out.String())
		}
	}
}

func TestContextCancel(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSyntheticCapture(&buf, 10000, 1); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Read(ctx, &buf, io.Discard, Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Read with a cancelled context: %v", err)
	}
}
