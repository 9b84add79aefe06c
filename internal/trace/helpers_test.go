package trace

import (
	"bytes"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/trace/capfile"
)

var (
	cli = [4]byte{192, 0, 2, 1}
	srv = [4]byte{192, 0, 2, 2}
	t0  = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
)

// conv crafts one TCP conversation between cli:49152 and srv:80 with
// Linux-like ISNs, tracking sequence numbers so tests read like a story.
type conv struct {
	t      time.Time
	cseq   uint32 // client's next sequence number
	sseq   uint32
	cack   uint32 // what the client acknowledges
	sack   uint32
	pkts   [][]byte
	times  []time.Time
	win    uint16
	srvWin uint16
	noWS   bool
	sport  uint16
	dport  uint16
}

func newConv() *conv {
	return &conv{t: t0, cseq: 1000, sseq: 5000, win: 502, srvWin: 509, sport: 49152, dport: 80}
}

func (c *conv) after(d time.Duration) *conv { c.t = c.t.Add(d); return c }

func (c *conv) add(fromClient bool, flags uint16, payload []byte, seq uint32, opts []byte) {
	seg := tcpSegment{src: cli, dst: srv, sport: c.sport, dport: c.dport, flags: flags, payload: payload, opts: opts}
	seg.seq, seg.ack, seg.win = seq, c.cack, c.win
	if !fromClient {
		seg.src, seg.dst, seg.sport, seg.dport = srv, cli, c.dport, c.sport
		seg.ack, seg.win = c.sack, c.srvWin
	}
	if flags&flagACK == 0 {
		seg.ack = 0
	}
	c.pkts = append(c.pkts, appendIPv4TCP(nil, &seg, uint16(len(c.pkts))))
	c.times = append(c.times, c.t)
}

// client sends from its current sequence number and advances it.
func (c *conv) client(flags uint16, payload []byte) *conv {
	var opts []byte
	if flags&flagSYN != 0 && !c.noWS {
		opts = synOptions(1460, 100, 0, 7)
	}
	c.add(true, flags, payload, c.cseq, opts)
	c.cseq += uint32(len(payload))
	if flags&(flagSYN|flagFIN) != 0 {
		c.cseq++
	}
	return c
}

func (c *conv) server(flags uint16, payload []byte) *conv {
	var opts []byte
	if flags&flagSYN != 0 && !c.noWS {
		opts = synOptions(1460, 200, 100, 7)
	}
	c.add(false, flags, payload, c.sseq, opts)
	c.sseq += uint32(len(payload))
	if flags&(flagSYN|flagFIN) != 0 {
		c.sseq++
	}
	return c
}

// handshake performs SYN, SYN/ACK, ACK with a 10 ms round trip.
func (c *conv) handshake() *conv {
	c.client(flagSYN, nil).after(10 * time.Millisecond)
	c.cack, c.sack = 0, c.cseq
	c.server(flagSYN|flagACK, nil).after(10 * time.Millisecond)
	c.cack = c.sseq
	return c.client(flagACK, nil).after(time.Millisecond)
}

func (c *conv) analyze(t testing.TB, opts Options) []Packet {
	t.Helper()
	a := NewAnalyzer(opts)
	out := make([]Packet, len(c.pkts))
	for i, p := range c.pkts {
		out[i] = a.Add(c.times[i], p)
	}
	return out
}

// pcap returns the conversation as a pcap file of the given link type,
// wrapping each IPv4 packet in that link layer.
func (c *conv) pcap(t testing.TB, link capfile.LinkType, opts capfile.WriterOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	opts.LinkType = link
	w, err := capfile.NewWriter(&buf, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range c.pkts {
		if err := w.WritePacket(c.times[i], wrapLink(link, p), 0); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func payload(n int) []byte { return bytes.Repeat([]byte{'x'}, n) }

// wrapLink puts an IPv4 (or IPv6) packet inside a link-layer header.
func wrapLink(link capfile.LinkType, ip []byte) []byte {
	v6 := len(ip) > 0 && ip[0]>>4 == 6
	et := []byte{0x08, 0x00}
	if v6 {
		et = []byte{0x86, 0xdd}
	}
	var h []byte
	switch link {
	case capfile.LinkEthernet:
		h = append([]byte{2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}, et...)
	case capfile.LinkLinuxSLL:
		h = append([]byte{0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0}, et...)
	case capfile.LinkSLL2:
		h = append(append([]byte{}, et...), 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0)
	case capfile.LinkNull: // little endian, as written on x86
		h = []byte{2, 0, 0, 0}
		if v6 {
			h = []byte{30, 0, 0, 0}
		}
	case capfile.LinkLoop: // big endian
		h = []byte{0, 0, 0, 2}
		if v6 {
			h = []byte{0, 0, 0, 24}
		}
	}
	return append(h, ip...)
}
