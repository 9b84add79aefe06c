package trace

import (
	"bytes"
	"context"
	"io"
	"os"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/trace/capfile"
)

// seedCaptures returns real, valid captures to start fuzzing from: every
// link type, pcap and pcapng, losses and retransmissions, TLS, DNS, QUIC.
func seedCaptures(t testing.TB) [][]byte {
	// Small seeds keep the fuzzer fast: minimising a 100 kB input takes
	// minutes, a 3 kB one seconds.
	var seeds [][]byte
	var syn bytes.Buffer
	if err := WriteSyntheticCapture(&syn, 14, 3); err != nil {
		t.Fatal(err)
	}
	seeds = append(seeds, syn.Bytes())
	c := newConv()
	c.handshake()
	c.sack = c.cseq
	c.server(flagACK, payload(20))
	c.sseq += 20 // not captured
	c.server(flagACK, payload(20))
	c.cack = c.sseq - 40
	c.client(flagACK, nil).client(flagACK, nil).client(flagACK, nil)
	c.sseq -= 40
	c.server(flagACK, payload(20)).after(time.Second)
	c.sseq += 20
	c.client(flagPSH|flagACK, clientHello("example.org"))
	c.server(flagPSH|flagACK, []byte("HTTP/1.1 200 OK\r\n\r\n"))
	c.client(flagFIN|flagACK, nil)
	c.client(flagRST, nil)
	c.pkts = append(c.pkts, udpPacket(5353, 53, dnsQuery("a.example"), 1),
		udpPacket(5353, 443, quicInitial(), 2), ipv6SYN())
	c.times = append(c.times, t0, t0, t0)
	for _, link := range []capfile.LinkType{capfile.LinkRaw, capfile.LinkEthernet, capfile.LinkLinuxSLL,
		capfile.LinkSLL2, capfile.LinkNull, capfile.LinkLoop} {
		seeds = append(seeds, c.pcap(t, link, capfile.WriterOptions{BigEndian: link == capfile.LinkLoop}))
	}
	var ng bytes.Buffer
	if _, err := Annotate(context.Background(), bytes.NewReader(seeds[1]), &ng, Options{}); err != nil {
		t.Fatal(err)
	}
	return append(seeds, ng.Bytes())
}

// FuzzReadFile feeds arbitrary bytes to the reader as a capture file: it
// must never panic, whatever the options.
func FuzzReadFile(f *testing.F) {
	for _, s := range seedCaptures(f) {
		f.Add(s)
	}
	// Captures of other tools: PPPoE, LLC, several link types, simple
	// packet blocks, modified pcap, gzip, malformed TCP headers. The large
	// ones are cut to their first 2 kB (the reader then reports a
	// truncated file): minimising a big input stalls the fuzzer.
	for _, name := range []string{"nonip.pcap", "malformed-tcp.pcap", "mixed-links.pcapng", "loopback-spb.pcapng", "loopback-modified.pcap", "loopback-any.pcap.gz"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(len(b), 2048)])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		Read(context.Background(), bytes.NewReader(data), io.Discard, Options{Notes: true, Flows: true, Ladder: 5})
		Read(context.Background(), bytes.NewReader(data), io.Discard, Options{JSON: true, Lang: "zh"})
		Annotate(context.Background(), bytes.NewReader(data), io.Discard, Options{})
	})
}

// FuzzDecodePacket feeds arbitrary bytes to the analyzer as packets of
// every link type, two per conversation so that flow state is exercised.
func FuzzDecodePacket(f *testing.F) {
	c := newConv()
	dupAcks(c)
	teardown3(c)
	for _, p := range c.pkts {
		f.Add(p, byte(0))
	}
	f.Add(clientHello("x"), byte(1))
	f.Add(udpPacket(1, 53, dnsQuery("a.b"), 1), byte(0))
	f.Add(udpPacket(1, 443, quicInitial(), 1), byte(0))
	f.Add(ipv6SYN(), byte(2))
	// PPP in HDLC-like framing, and a PPPoE session (PPP protocol 0x0021:
	// IPv4), each carrying the handshake's first packet.
	syn := c.pkts[0]
	f.Add(append([]byte{0xff, 0x03, 0x00, 0x21}, syn...), byte(10))
	n := 2 + len(syn)
	f.Add(append([]byte{0x11, 0x00, 0x00, 0x01, byte(n >> 8), byte(n), 0x00, 0x21}, syn...), byte(11))
	links := []capfile.LinkType{capfile.LinkRaw, capfile.LinkEthernet, capfile.LinkIPv6, capfile.LinkLinuxSLL,
		capfile.LinkSLL2, capfile.LinkNull, capfile.LinkLoop, capfile.LinkIPv4, capfile.LinkRawBSD12,
		linkPPP, linkPPPHDLC, linkPPPoE, 147}
	f.Fuzz(func(t *testing.T, data []byte, link byte) {
		a := NewAnalyzer(Options{Notes: true})
		l := links[int(link)%len(links)]
		p1 := a.AddLink(t0, l, data, len(data))
		p2 := a.AddLink(t0, l, data, 0)
		var out bytes.Buffer
		WriteLadder(&out, []Packet{p1, p2}, LadderOptions{Notes: true})
		WriteMermaid(&out, []Packet{p1, p2}, LadderOptions{})
		WriteFlows(&out, a.Flows(), "en")
		_ = p1.Line()
	})
}
