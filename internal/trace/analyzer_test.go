package trace

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestLabelsAndNotes crafts small conversations and checks, for one packet
// of each, the expert labels tshark would print and the note we add.
func TestLabelsAndNotes(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		desc   string
		build  func(c *conv)
		packet int // 1-based
		labels []string
		info   string // substring of the Info column
		note   string // substring of the English note
	}{
		{desc: "SYN", build: func(c *conv) { c.handshake() }, packet: 1,
			info: "49152 → 80 [SYN] Seq=0 Win=502 Len=0 MSS=1460 SACK_PERM TSval=100 TSecr=0 WS=128",
			note: "handshake 1/3: the client asks to open"},
		{desc: "SYN/ACK", build: func(c *conv) { c.handshake() }, packet: 2,
			info: "80 → 49152 [SYN, ACK] Seq=0 Ack=1 Win=509 Len=0 MSS=1460", note: "handshake 2/3"},
		{desc: "handshake ACK with scaled window", build: func(c *conv) { c.handshake() }, packet: 3,
			info: "49152 → 80 [ACK] Seq=1 Ack=1 Win=64256 Len=0", note: "handshake 3/3"},
		{desc: "no window scaling without WS in both SYNs", build: func(c *conv) { c.noWS = true; c.handshake() }, packet: 3,
			info: "Win=502 Len=0"},
		{desc: "data", build: func(c *conv) { c.handshake().client(flagPSH|flagACK, payload(100)) }, packet: 4,
			info: "[PSH, ACK] Seq=1 Ack=1 Win=64256 Len=100", note: "data: 100 bytes of payload"},
		{desc: "pure ACK", build: func(c *conv) {
			c.handshake().client(flagPSH|flagACK, payload(100)).after(ms)
			c.sack = c.cseq
			c.server(flagACK, nil)
		}, packet: 5, info: "Seq=1 Ack=101", note: "pure ACK: acknowledges bytes up to 100"},
		{desc: "HTTP request", build: func(c *conv) {
			c.handshake().client(flagPSH|flagACK, []byte("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"))
		}, packet: 4, info: "GET /index.html HTTP/1.1 ", note: "HTTP request GET /index.html"},
		{desc: "HTTP response", build: func(c *conv) {
			c.handshake().server(flagPSH|flagACK, []byte("HTTP/1.1 404 Not Found\r\n\r\n"))
		}, packet: 4, info: "HTTP/1.1 404 Not Found ", note: "HTTP response 404 Not Found"},
		{desc: "TLS ClientHello", build: func(c *conv) { c.handshake().client(flagPSH|flagACK, clientHello("localhost")) },
			packet: 4, info: "Client Hello (SNI=localhost)", note: "TLS ClientHello, SNI localhost"},
		{desc: "retransmission after timeout", build: func(c *conv) {
			c.handshake().client(flagPSH|flagACK, payload(100)).after(210 * ms)
			c.cseq -= 100
			c.client(flagPSH|flagACK, payload(100))
		}, packet: 5, labels: []string{"TCP Retransmission"},
			info: "[TCP Retransmission] 49152 → 80", note: "retransmission of bytes 1–100, 210 ms after the original"},
		{desc: "duplicate ACKs and fast retransmission", build: dupAcks, packet: 13,
			labels: []string{"TCP Fast Retransmission"}, note: "fast retransmission of bytes 1001–2000"},
		{desc: "first duplicate ACK", build: dupAcks, packet: 10,
			labels: []string{"TCP Dup ACK"}, info: "[TCP Dup ACK 9#1]", note: "duplicate ACK #1: the client still waits for byte 1001"},
		{desc: "third duplicate ACK", build: dupAcks, packet: 12,
			labels: []string{"TCP Dup ACK"}, info: "[TCP Dup ACK 9#3]", note: "third duplicate ACK → the sender will retransmit fast"},
		{desc: "previous segment not captured", build: func(c *conv) {
			c.handshake().server(flagACK, payload(1000)).after(ms)
			c.sseq += 1000 // the capture missed bytes 1001–2000
			c.server(flagACK, payload(1000))
		}, packet: 5, labels: []string{"TCP Previous segment not captured"},
			note: "gap: bytes 1001–2000 before this segment were never seen"},
		{desc: "out of order", build: func(c *conv) {
			c.handshake().server(flagACK, payload(1000)).after(ms)
			c.sseq += 1000
			c.server(flagACK, payload(1000)).after(ms)
			c.sseq -= 2000
			c.server(flagACK, payload(1000))
		}, packet: 6, labels: []string{"TCP Out-Of-Order"}, note: "out of order: bytes 1001–2000"},
		{desc: "zero window", build: func(c *conv) {
			c.handshake().server(flagACK, payload(1000)).after(ms)
			c.cack, c.win = c.sseq, 0
			c.client(flagACK, nil)
		}, packet: 5, labels: []string{"TCP ZeroWindow"}, info: "Win=0", note: "zero window"},
		{desc: "window update", build: func(c *conv) {
			c.handshake().server(flagACK, payload(1000)).after(ms)
			c.cack, c.win = c.sseq, 0
			c.client(flagACK, nil).after(ms)
			c.win = 100
			c.client(flagACK, nil)
		}, packet: 6, labels: []string{"TCP Window Update"}, note: "window update: the client has room again (window 12800 bytes)"},
		{desc: "keep-alive", build: func(c *conv) {
			c.handshake().after(time.Second)
			c.cseq--
			c.client(flagACK, nil)
			c.cseq++
		}, packet: 4, labels: []string{"TCP Keep-Alive"}, note: "keep-alive probe"},
		{desc: "keep-alive ACK", build: func(c *conv) {
			c.handshake().after(time.Second)
			c.cseq--
			c.client(flagACK, nil).after(ms)
			c.cseq++
			c.server(flagACK, nil)
		}, packet: 5, labels: []string{"TCP Keep-Alive ACK"}, note: "keep-alive answer"},
		{desc: "RST answering a SYN", build: func(c *conv) {
			c.client(flagSYN, nil).after(ms)
			c.sack = c.cseq
			c.server(flagRST|flagACK, nil)
		}, packet: 2, info: "[RST, ACK] Seq=1 Ack=1 Win=509 Len=0", note: "RST: nothing listens on that port"},
		{desc: "RST aborting a connection", build: func(c *conv) {
			c.handshake().server(flagRST, nil)
		}, packet: 4, info: "[RST]", note: "RST: the server aborts the connection"},
		{desc: "SYN sent again", build: func(c *conv) {
			c.client(flagSYN, nil).after(time.Second)
			c.cseq--
			c.client(flagSYN, nil)
		}, packet: 2, labels: []string{"TCP Retransmission"}, note: "SYN sent again"},
		{desc: "teardown 1/4", build: teardown4, packet: 4, info: "[FIN, ACK]", note: "teardown 1/4: the client has no more data"},
		{desc: "teardown 2/4", build: teardown4, packet: 5, note: "teardown 2/4: the server acknowledges the FIN"},
		{desc: "teardown 3/4", build: teardown4, packet: 6, note: "teardown 3/4: the server is done too"},
		{desc: "teardown 4/4", build: teardown4, packet: 7, note: "teardown 4/4: the client acknowledges the last FIN"},
		{desc: "teardown 2/3 (FIN+ACK combined)", build: teardown3, packet: 5, note: "teardown 2/3: the server acknowledges the FIN and sends its own FIN in the same packet"},
		{desc: "teardown 3/3", build: teardown3, packet: 6, note: "teardown 3/3"},
	}
	for _, tt := range tests {
		c := newConv()
		tt.build(c)
		pkts := c.analyze(t, Options{})
		if tt.packet > len(pkts) {
			t.Fatalf("%s: only %d packets", tt.desc, len(pkts))
		}
		p := pkts[tt.packet-1]
		if tt.labels == nil {
			tt.labels = []string{}
		}
		if !slices.Equal(p.Labels, tt.labels) {
			t.Errorf("%s: packet %d labels = %q, want %q\n%s", tt.desc, tt.packet, p.Labels, tt.labels, p.Line())
		}
		if !strings.Contains(p.Info, tt.info) {
			t.Errorf("%s: packet %d Info = %q, want it to contain %q", tt.desc, tt.packet, p.Info, tt.info)
		}
		if !strings.Contains(p.Note, tt.note) {
			t.Errorf("%s: packet %d note = %q, want it to contain %q", tt.desc, tt.packet, p.Note, tt.note)
		}
	}
}

// dupAcks: the server sends five segments, the second is lost after the
// capture point, the client acknowledges the first and then repeats that
// ACK for each later segment, and the server retransmits at once.
func dupAcks(c *conv) {
	ms := time.Millisecond
	c.handshake()
	c.sack = c.cseq
	for range 5 {
		c.server(flagACK, payload(1000)).after(ms / 10) // packets 4 to 8
	}
	c.after(10 * ms)
	c.cack = c.sseq - 4000 // packet 9: ACK of the first segment only
	c.client(flagACK, nil).after(ms / 10)
	for range 3 {
		c.client(flagACK, nil).after(ms / 10) // packets 10, 11, 12: duplicates
	}
	c.sseq -= 4000
	c.server(flagACK, payload(1000)) // packet 13
	c.sseq += 3000
}

func teardown4(c *conv) {
	ms := time.Millisecond
	c.handshake()
	c.sack = c.cseq
	c.client(flagFIN|flagACK, nil).after(ms) // 4
	c.sack = c.cseq
	c.server(flagACK, nil).after(ms) // 5
	c.server(flagFIN|flagACK, nil).after(ms)
	c.cack = c.sseq
	c.client(flagACK, nil) // 7
}

func teardown3(c *conv) {
	ms := time.Millisecond
	c.handshake()
	c.client(flagFIN|flagACK, nil).after(ms) // 4
	c.sack = c.cseq
	c.server(flagFIN|flagACK, nil).after(ms) // 5
	c.cack = c.sseq
	c.client(flagACK, nil) // 6
}

func TestSummaryCounts(t *testing.T) {
	c := newConv()
	dupAcks(c)
	c.sack = c.cseq
	c.client(flagFIN|flagACK, nil)
	c.sack = c.cseq
	c.server(flagFIN|flagACK, nil)
	c.cack = c.sseq
	c.client(flagACK, nil)
	a := NewAnalyzer(Options{})
	for i, p := range c.pkts {
		a.Add(c.times[i], p)
	}
	a.Add(t0.Add(time.Second), udpPacket(5353, 53, dnsQuery("example.com"), 1))
	got := a.Summary()
	want := Summary{Packets: 17, Flows: 2, Handshakes: 1, Teardowns: 1, Retransmissions: 1, DupACKs: 3, UDPDatagrams: 1}
	if got != want {
		t.Errorf("Summary() = %+v, want %+v", got, want)
	}
	flows := a.Flows()
	if len(flows) != 2 {
		t.Fatalf("Flows() = %d flows, want 2", len(flows))
	}
	f := flows[0]
	if f.Client != "192.0.2.1:49152" || f.Server != "192.0.2.2:80" || f.End != "fin" || !f.Handshake ||
		f.RTT != 20*time.Millisecond || f.Retrans != 1 || f.DupACKs != 3 || f.Packets != [2]int{8, 8} {
		t.Errorf("flow 0 = %#v", f)
	}
	if flows[1].Protocol != "UDP" || flows[1].Packets != [2]int{1, 0} {
		t.Errorf("flow 1 = %#v", flows[1])
	}
}

func TestUDPAndDNSAndQUIC(t *testing.T) {
	tests := []struct {
		desc        string
		sport, port uint16
		payload     []byte
		proto, info string
		note        string
	}{
		{"plain UDP", 40000, 9999, payload(12), "UDP", "40000 → 9999 Len=12", "UDP datagram: no handshake, no acknowledgement (12 bytes)"},
		{"DNS query", 40000, 53, dnsQuery("example.com"), "DNS", "Standard query 0x1234 A example.com", "DNS query for example.com"},
		{"QUIC Initial", 40000, 443, quicInitial(), "QUIC", "Initial, DCID=0102030405060708", "QUIC Initial"},
	}
	for _, tt := range tests {
		a := NewAnalyzer(Options{})
		p := a.Add(t0, udpPacket(tt.sport, tt.port, tt.payload, 1))
		if p.Protocol != tt.proto || p.Info != tt.info || !strings.Contains(p.Note, tt.note) {
			t.Errorf("%s: got %q %q %q, want %q %q %q", tt.desc, p.Protocol, p.Info, p.Note, tt.proto, tt.info, tt.note)
		}
	}
}

func TestChineseNotes(t *testing.T) {
	c := newConv()
	c.handshake()
	pkts := c.analyze(t, Options{Lang: "zh"})
	want := []string{"握手 1/3：客户端请求建立连接", "握手 2/3：服务器接受连接", "握手 3/3：客户端确认 SYN/ACK"}
	for i, w := range want {
		if !strings.HasPrefix(pkts[i].Note, w) {
			t.Errorf("packet %d note = %q, want prefix %q", i+1, pkts[i].Note, w)
		}
	}
}

func TestLine(t *testing.T) {
	c := newConv()
	c.handshake()
	pkts := c.analyze(t, Options{})
	got := pkts[1].Line()
	want := "    2 0.010000000    192.0.2.2 → 192.0.2.1    TCP 60 80 → 49152 [SYN, ACK] Seq=0 Ack=1 Win=509 Len=0 MSS=1460 SACK_PERM TSval=200 TSecr=100 WS=128"
	if got != want {
		t.Errorf("Line() =\n%q, want\n%q", got, want)
	}
}

// clientHello builds a TLS record holding a ClientHello that offers TLS 1.3
// (supported_versions) and names host in server_name.
func clientHello(host string) []byte {
	ext := func(typ uint16, body []byte) []byte {
		return append([]byte{byte(typ >> 8), byte(typ), byte(len(body) >> 8), byte(len(body))}, body...)
	}
	sni := append([]byte{0, byte(len(host) + 3), 0, 0, byte(len(host))}, host...)
	exts := append(ext(0, sni), ext(43, []byte{4, 0x03, 0x04, 0x03, 0x03})...)
	hello := []byte{3, 3}
	hello = append(hello, make([]byte, 32)...)       // random
	hello = append(hello, 0, 0, 2, 0x13, 0x01, 1, 0) // session id, one cipher suite, null compression
	hello = append(hello, byte(len(exts)>>8), byte(len(exts)))
	hello = append(hello, exts...)
	hs := append([]byte{1, 0, byte(len(hello) >> 8), byte(len(hello))}, hello...)
	return append([]byte{22, 3, 1, byte(len(hs) >> 8), byte(len(hs))}, hs...)
}

func dnsQuery(name string) []byte {
	b := []byte{0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}
	for _, l := range strings.Split(name, ".") {
		b = append(append(b, byte(len(l))), l...)
	}
	return append(b, 0, 0, 1, 0, 1)
}

func quicInitial() []byte {
	b := []byte{0xc3, 0, 0, 0, 1, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0}
	return append(b, make([]byte, 40)...)
}
