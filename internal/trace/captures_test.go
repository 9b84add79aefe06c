package trace

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/trace/capfile"
)

// The captures of testdata were written by other tools (make-captures.sh).
// These tests pin what netdemo makes of them without needing tshark;
// TestCapturesAgainstTshark compares them with tshark when it is installed.

// readCapture reads testdata/name with notes and returns its lines.
func readCapture(t *testing.T, name string, opts Options) ([]string, Summary) {
	t.Helper()
	var out bytes.Buffer
	sum, err := ReadFile(context.Background(), "testdata/"+name, &out, opts)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return strings.Split(strings.TrimRight(out.String(), "\n"), "\n"), sum
}

// packetLines returns the lines that start with a frame number.
func packetLines(lines []string) []string {
	var out []string
	for _, l := range lines {
		if n, _ := expertLabels(l); n > 0 && strings.HasPrefix(l, strings.Repeat(" ", 5-len(strings.TrimLeft(l[:5], " ")))) {
			out = append(out, l)
		}
	}
	return out
}

func TestMixedLinkTypes(t *testing.T) {
	lines, sum := readCapture(t, "mixed-links.pcapng", Options{Notes: true})
	tcp, radiotap := 0, 0
	for _, l := range packetLines(lines) {
		switch {
		case strings.Contains(l, " TCP ") || strings.Contains(l, " HTTP "):
			tcp++
		case strings.Contains(l, "[link type 127 (IEEE802_11_RADIOTAP) not decoded]"):
			radiotap++
		}
	}
	if radiotap != 3 || tcp < 30 || sum.Packets < tcp+radiotap || sum.Handshakes == 0 {
		t.Errorf("%d packets: %d TCP, %d radiotap lines, %d handshakes; want every Ethernet packet decoded and 3 radiotap lines", sum.Packets, tcp, radiotap, sum.Handshakes)
	}
	if !strings.Contains(strings.Join(lines, "\n"), "this interface's link type is 127 (IEEE802_11_RADIOTAP), which netdemo does not read") {
		t.Error("no note says the radiotap interface is not decoded")
	}
}

// badRange matches a note's byte range whose end is before its start.
var badRange = regexp.MustCompile(`bytes (\d+)–(-?\d+)`)

func TestCapturedTwice(t *testing.T) {
	lines, sum := readCapture(t, "loopback-twice.pcapng", Options{Notes: true})
	text := strings.Join(lines, "\n")
	if sum.OutOfOrder != 0 || strings.Contains(text, "Out-Of-Order") {
		t.Errorf("%d out of order in a capture that only repeats packets", sum.OutOfOrder)
	}
	pk := packetLines(lines)
	if len(pk) < 2 || !strings.Contains(pk[1], "[TCP Retransmission]") || !strings.Contains(pk[1], "[SYN]") {
		t.Errorf("second packet (the SYN again) = %q, want [TCP Retransmission] as tshark says", pk[min(1, len(pk)-1)])
	}
	for _, m := range badRange.FindAllStringSubmatch(text, -1) {
		if len(m[2]) > 0 && (m[2][0] == '-' || len(m[2]) < len(m[1]) || len(m[2]) == len(m[1]) && m[2] < m[1]) {
			t.Errorf("impossible byte range in a note: %q", m[0])
		}
	}
	if strings.Contains(text, "no ACK came in time") {
		t.Error("a note claims a timeout for a packet captured twice")
	}
	twice := strings.Count(text, "the capture saw it twice")
	if twice < sum.Retransmissions+sum.DupACKs || twice == 0 {
		t.Errorf("%d notes say the packet was captured twice, want one per repeated packet (%d retransmissions, %d dup ACKs)", twice, sum.Retransmissions, sum.DupACKs)
	}
}

func TestSimplePacketBlocks(t *testing.T) {
	lines, _ := readCapture(t, "loopback-spb.pcapng", Options{Flows: true})
	pk := packetLines(lines)
	if len(pk) < 13 || pk[0][5:17] != strings.Repeat(" ", 12) {
		t.Fatalf("first packet (a simple packet block) = %q, want an empty time column", pk[0])
	}
	for _, l := range pk {
		if strings.Contains(l[:17], "-") {
			t.Errorf("negative time: %q", l)
		}
	}
	var out bytes.Buffer
	if _, err := ReadFile(context.Background(), "testdata/loopback-spb.pcapng", &out, Options{JSON: true}); err != nil {
		t.Fatal(err)
	}
	js := strings.Split(strings.TrimSpace(out.String()), "\n")
	var p Packet
	var res Result
	if err := json.Unmarshal([]byte(js[0]), &p); err != nil || !p.NoTime {
		t.Errorf("first packet %s: no_time not set (%v)", js[0], err)
	}
	if err := json.Unmarshal([]byte(js[len(js)-1]), &res); err != nil {
		t.Fatal(err)
	}
	for _, f := range res.FlowList {
		if f.Duration < 0 || f.Start < 0 {
			t.Errorf("flow %d: start %v, duration %v", f.ID, f.Start, f.Duration)
		}
	}
}

func TestNonIPFrames(t *testing.T) {
	lines, sum := readCapture(t, "nonip.pcap", Options{Notes: true})
	text := strings.Join(lines, "\n")
	for _, want := range []string{
		"PPPoED 60 Active Discovery Initiation (PADI)",
		"TCP 62 80 → 40000 [RST, ACK]", // inside a PPPoE session
		"STP 60 Conf. Root = 32768/0/02:00:00:00:00:01  Cost = 0  Port = 0x8001",
		"LLC 60 U, func=UI; DSAP IBM Net Management Individual, SSAP IBM Net Management Command",
		"LLDP 60 ", "0x88b5 60 Local Experimental Ethertype 1",
		"IPv4 60 Unknown (253)", "protocol number 253",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if sum.Resets != 1 {
		t.Errorf("resets = %d, want 1 (the RST inside PPPoE)", sum.Resets)
	}
	for _, bad := range []string{"cannot decode: \n", "protocol IPv4", "0x0026", "0x000a"} {
		if strings.Contains(text+"\n", bad) {
			t.Errorf("output has %q", bad)
		}
	}
}

func TestMalformedTCPHeader(t *testing.T) {
	lines, _ := readCapture(t, "malformed-tcp.pcap", Options{})
	want := map[int]string{
		6:  "40001 → 80 [ACK] Seq=1011 Ack=5021 Win=64240[Malformed Packet]",
		7:  "40001 → 80 [ACK] Seq=11 Ack=21 Win=64240 Len=0",
		8:  "40001 → 80 [ACK] Seq=11 Ack=21 Win=64240, bogus TCP header length (12, must be at least 20)",
		10: "[TCP Retransmission] 40001 → 80 [FIN, ACK]",
	}
	for n, w := range want {
		if n > len(lines) || !strings.Contains(lines[n-1], w) {
			t.Errorf("packet %d = %q, want %q", n, lines[min(n, len(lines))-1], w)
		}
	}
	if strings.Contains(lines[6], "Dup ACK") {
		t.Errorf("the ACK after a malformed segment is a dup ACK: %q", lines[6])
	}
}

// TestFileFormats reads the same loopback capture as pcap, gzip-compressed
// pcap, modified pcap and pcapng with simple packet blocks: the same lines
// (but for the time column of the simple packet blocks).
func TestFileFormats(t *testing.T) {
	ref, _ := readCapture(t, "loopback-any.pcap", Options{})
	for _, name := range []string{"loopback-any.pcap.gz", "loopback-modified.pcap", "loopback-spb.pcapng"} {
		got, _ := readCapture(t, name, Options{})
		if len(got) != len(ref) {
			t.Errorf("%s: %d lines, the pcap has %d", name, len(got), len(ref))
			continue
		}
		after := func(l string) string { // the line from the Source column on
			return l[strings.Index(l, "127.0.0.1 →"):]
		}
		for i := range ref {
			if after(got[i]) != after(ref[i]) {
				t.Errorf("%s line %d = %q, want %q", name, i+1, got[i], ref[i])
				break
			}
		}
	}
}

func TestUnsupportedLinkTypeName(t *testing.T) {
	var buf bytes.Buffer
	w, _ := capfile.NewWriter(&buf, capfile.WriterOptions{LinkType: 65535})
	w.WritePacket(t0, []byte{1, 2, 3}, 0)
	_, err := Read(context.Background(), &buf, &bytes.Buffer{}, Options{})
	if err == nil || err.Error() != "unsupported link type 65535" {
		t.Errorf("error = %v, want unsupported link type 65535", err)
	}
}

func TestCapturesExist(t *testing.T) {
	for _, name := range []string{"loopback-any.pcap", "loopback-twice.pcapng", "mixed-links.pcapng", "nonip.pcap", "malformed-tcp.pcap"} {
		if st, err := os.Stat("testdata/" + name); err != nil || st.Size() > 64<<10 {
			t.Errorf("testdata/%s: %v (keep captures small)", name, err)
		}
	}
}

// TestRepeatedSYNACKNotes: the same SYN/ACK 10 µs later was captured
// twice; one second later it was sent again (same headers: no timestamps,
// IP ID as in the packet), and the notes say so.
func TestRepeatedSYNACKNotes(t *testing.T) {
	for _, tt := range []struct {
		gap  time.Duration
		want string
	}{
		{10 * time.Microsecond, "the capture saw it twice"},
		{time.Second, "SYN/ACK sent again, 1.0 s after the first"},
	} {
		c := newConv()
		c.noWS = true
		c.client(flagSYN, nil).after(time.Millisecond)
		c.cack, c.sack = 0, c.cseq
		c.add(false, flagSYN|flagACK, nil, c.sseq, nil)
		c.after(tt.gap)
		c.add(false, flagSYN|flagACK, nil, c.sseq, nil)
		c.pkts[2] = append([]byte(nil), c.pkts[2]...)
		copy(c.pkts[2][4:6], c.pkts[1][4:6]) // same IP ID
		copy(c.pkts[2][10:12], c.pkts[1][10:12])
		p := c.analyze(t, Options{Notes: true})
		if len(p[2].Labels) != 1 || p[2].Labels[0] != "TCP Retransmission" || !strings.Contains(p[2].Note, tt.want) {
			t.Errorf("gap %v: labels %v, note %q; want TCP Retransmission and %q", tt.gap, p[2].Labels, p[2].Note, tt.want)
		}
	}
}

// TestKernelZeroWindow: a receiver that reads slowly, captured by tcpdump
// and cut to 96 bytes a packet: the labels tshark gives it.
func TestKernelZeroWindow(t *testing.T) {
	lines, _ := readCapture(t, "loopback-zerowindow.pcap", Options{Notes: true})
	text := strings.Join(lines, "\n")
	for label, n := range map[string]int{"[TCP ZeroWindow]": 8, "[TCP Window Full]": 7, "[TCP Window Update]": 6, "[TCP Keep-Alive]": 3} {
		if got := strings.Count(text, label); got != n {
			t.Errorf("%d %s, want %d (as tshark)", got, label, n)
		}
	}
	if !strings.Contains(text, "zero window: the server's receive buffer is full") {
		t.Error("no note explains the zero window")
	}
}
