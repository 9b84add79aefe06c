package trace

import (
	"bytes"
	"net/netip"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/packet/packettest"

	"github.com/netdemo/netdemo/internal/trace/capfile"
)

var (
	cli = netip.AddrFrom4([4]byte{192, 0, 2, 1})
	srv = netip.AddrFrom4([4]byte{192, 0, 2, 2})
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
	seg := packettest.Segment{
		IP:  packettest.IP{ID: uint16(len(c.pkts)), DontFragment: true},
		Src: netip.AddrPortFrom(cli, c.sport), Dst: netip.AddrPortFrom(srv, c.dport),
		Seq: seq, Ack: c.cack, Flags: flags, Window: c.win, Options: opts, Payload: payload,
	}
	if !fromClient {
		seg.Src, seg.Dst = seg.Dst, seg.Src
		seg.Ack, seg.Window = c.sack, c.srvWin
	}
	if flags&flagACK == 0 {
		seg.Ack = 0
	}
	c.pkts = append(c.pkts, packettest.AppendTCP(nil, &seg))
	c.times = append(c.times, c.t)
}

// client sends from its current sequence number and advances it.
func (c *conv) client(flags uint16, payload []byte) *conv {
	var opts []byte
	if flags&flagSYN != 0 && !c.noWS {
		opts = packettest.LinuxSYNOptions(1460, 100, 0, 7)
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
		opts = packettest.LinuxSYNOptions(1460, 200, 100, 7)
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
		if err := w.WritePacket(c.times[i], packettest.WithLink(link, p), 0); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func payload(n int) []byte { return bytes.Repeat([]byte{'x'}, n) }

// udpPacket is one UDP datagram from cli:sport to srv:dport, numbered id
// and sent with DF as Linux does.
func udpPacket(sport, dport uint16, payload []byte, id uint16) []byte {
	return packettest.AppendUDP(nil, packettest.IP{ID: id, DontFragment: true},
		netip.AddrPortFrom(cli, sport), netip.AddrPortFrom(srv, dport), payload)
}
