package tcpudp

import (
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/tap"

	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/packet"
	"github.com/netdemo/netdemo/internal/packet/packettest"
)

// seg is a decoded TCP frame for the analysis tests.
func seg(dir netx.Direction, seq uint32, flags packet.Flags, payload int, fate lab.Fate, at time.Duration) tap.Frame {
	src, dst := uint16(40000), uint16(9000)
	if dir == netx.ServerToClient {
		src, dst = dst, src
	}
	return tap.Frame{At: time.Unix(0, 0).Add(at), Dir: dir, Fate: fate, Pkt: packet.Packet{
		Proto: packet.TCP, Total: 52 + payload, IPHeader: 20, L4Header: 32, Payload: make([]byte, payload),
		SrcPort: src, DstPort: dst, Seq: seq, Flags: flags}}
}

const c2s, s2c = netx.ClientToServer, netx.ServerToClient

func TestRetransmissions(t *testing.T) {
	const isn = 1000
	tests := []struct {
		desc   string
		frames []tap.Frame
		want   int
	}{
		{"no loss", []tap.Frame{
			seg(c2s, isn, packet.SYN, 0, lab.Delivered, 0),
			seg(c2s, isn+1, packet.ACK, 100, lab.Delivered, 0),
			seg(c2s, isn+101, packet.ACK, 100, lab.Delivered, 0),
			seg(s2c, 5, packet.ACK, 0, lab.Delivered, 0),
		}, 0},
		{"one segment sent again", []tap.Frame{
			seg(c2s, isn, packet.SYN, 0, lab.Delivered, 0),
			seg(c2s, isn+1, packet.ACK, 100, lab.Dropped, 0),
			seg(c2s, isn+101, packet.ACK, 100, lab.Delivered, 0),
			seg(c2s, isn+1, packet.ACK, 100, lab.Delivered, 0),
		}, 1},
		{"repacketized: overlaps old and new bytes", []tap.Frame{
			seg(c2s, isn+1, packet.ACK, 100, lab.Dropped, 0),
			seg(c2s, isn+1, packet.ACK, 200, lab.Delivered, 0),
		}, 1},
		{"SYN sent again is not a data retransmission", []tap.Frame{
			seg(c2s, isn, packet.SYN, 0, lab.Dropped, 0),
			seg(c2s, isn, packet.SYN, 0, lab.Delivered, 0),
		}, 0},
		{"same sequence numbers in the other direction", []tap.Frame{
			seg(c2s, 1, packet.ACK, 100, lab.Delivered, 0),
			seg(s2c, 1, packet.ACK, 100, lab.Delivered, 0),
		}, 0},
		{"sequence numbers wrap around 2^32", []tap.Frame{
			seg(c2s, 0xffffffc0, packet.ACK, 100, lab.Delivered, 0),
			seg(c2s, 0x24, packet.ACK, 100, lab.Delivered, 0),
			seg(c2s, 0xffffffc0, packet.ACK, 100, lab.Delivered, 0),
		}, 1},
	}
	for _, tc := range tests {
		if got := retransmissions(tc.frames); got != tc.want {
			t.Errorf("%s: retransmissions = %d, want %d", tc.desc, got, tc.want)
		}
	}
}

// TestSplitTCP checks the head-of-line arithmetic on a made-up timeline:
// message 0's segment is lost and resent 50 ms later; message 1 arrives on
// time but can only be read after message 0.
func TestSplitTCP(t *testing.T) {
	link := lab.Link{RTT: 40 * time.Millisecond}
	const isn = 1000
	ms := time.Millisecond
	frames := []tap.Frame{
		seg(c2s, isn+1, packet.ACK, 100, lab.Dropped, 0),
		seg(c2s, isn+101, packet.ACK, 100, lab.Delivered, 2*ms),
		seg(c2s, isn+1, packet.ACK, 100, lab.Delivered, 50*ms),
	}
	t0 := time.Unix(0, 0)
	writeAt := []time.Time{t0, t0.Add(2 * ms)}
	readAt := []time.Time{t0.Add(75 * ms), t0.Add(75 * ms)} // both read after 0 arrives (50+20)
	hu := splitTCP(frames, isn, 2, link, writeAt, readAt)
	if len(hu.Sender) != 2 || len(hu.Behind) != 2 {
		t.Fatalf("splitTCP gave %d/%d samples, want 2/2", len(hu.Sender), len(hu.Behind))
	}
	if hu.Sender[0] != 50*ms || hu.Behind[0] != 0 {
		t.Errorf("message 0: sender %v, behind %v; want 50ms (resent), 0", hu.Sender[0], hu.Behind[0])
	}
	if hu.Sender[1] != 0 || hu.Behind[1] != 48*ms {
		t.Errorf("message 1: sender %v, behind %v; want 0, 48ms (complete at 22ms, message 0 at 70ms)", hu.Sender[1], hu.Behind[1])
	}
	if hu.Blocked != 1 {
		t.Errorf("blocked = %d, want 1 (message 1)", hu.Blocked)
	}
}

func TestSplitTCPMessageAcrossSegments(t *testing.T) {
	// One 100-byte message in two segments: complete only when the second
	// half arrives.
	const isn = 0
	ms := time.Millisecond
	frames := []tap.Frame{
		seg(c2s, isn+1, packet.ACK, 60, lab.Delivered, 0),
		seg(c2s, isn+61, packet.ACK, 40, lab.Delivered, 10*ms),
	}
	t0 := time.Unix(0, 0)
	hu := splitTCP(frames, isn, 1, lab.Link{}, []time.Time{t0}, []time.Time{t0.Add(10 * ms)})
	if len(hu.Sender) != 1 || hu.Sender[0] != 10*ms || hu.Behind[0] != 0 {
		t.Errorf("split message: sender %v behind %v, want [10ms] [0]", hu.Sender, hu.Behind)
	}
}

func TestPercentileMS(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		desc string
		in   []time.Duration
		p    float64
		want float64
	}{
		{"empty", nil, 50, 0},
		{"one sample", ms(7), 99, 7},
		{"median of odd count", ms(5, 1, 3), 50, 3},
		{"p99 of 1..100", hundred, 99, 99},
		{"p50 of 1..100", hundred, 50, 50},
		{"p100 is the max", ms(1, 9, 4), 100, 9},
	}
	for _, tc := range tests {
		if got := percentileMS(tc.in, tc.p); got != tc.want {
			t.Errorf("%s: percentileMS(p%v) = %v, want %v", tc.desc, tc.p, got, tc.want)
		}
	}
}

// timestamps is the option block Linux and gVisor put in every segment:
// NOP, NOP, kind 8 length 10 with two 4-byte values.
var timestamps = []byte{1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2}

// decoded is what TestDecodeFrame compares: the fields the demo reads,
// with the payload as its length.
type decoded struct {
	Proto, Total, IPHeader, L4Header, Payload int
	SrcPort, DstPort                          uint16
	Seq, Ack                                  uint32
	Flags                                     packet.Flags
}

func fieldsOf(p packet.Packet) decoded {
	return decoded{p.Proto, p.Total, p.IPHeader, p.L4Header, len(p.Payload), p.SrcPort, p.DstPort, p.Seq, p.Ack, p.Flags}
}

func TestDecodeFrame(t *testing.T) {
	c, s := packettest.Client(40000), packettest.Server(9000)
	synOpts := []byte{2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7}
	tests := []struct {
		desc    string
		in      []byte
		want    decoded
		options string
		flags   string
	}{
		{"SYN with options", packettest.TCP(c, s, 1000, 0, packet.SYN, synOpts, nil),
			decoded{Proto: packet.TCP, Total: 60, IPHeader: 20, L4Header: 40, SrcPort: 40000, DstPort: 9000, Seq: 1000, Flags: packet.SYN},
			"MSS, SACK-permitted, timestamps, window scale", "SYN"},
		{"data segment with timestamps", packettest.TCP(c, s, 1001, 5, packet.ACK|packet.PSH, timestamps, make([]byte, 100)),
			decoded{Proto: packet.TCP, Total: 152, IPHeader: 20, L4Header: 32, Payload: 100, SrcPort: 40000, DstPort: 9000, Seq: 1001, Ack: 5, Flags: packet.ACK | packet.PSH},
			"timestamps", "PSH-ACK"},
		{"SYN-ACK", packettest.TCP(s, c, 7, 1001, packet.SYN|packet.ACK, nil, nil),
			decoded{Proto: packet.TCP, Total: 40, IPHeader: 20, L4Header: 20, SrcPort: 9000, DstPort: 40000, Seq: 7, Ack: 1001, Flags: packet.SYN | packet.ACK},
			"none", "SYN-ACK"},
		{"UDP datagram", packettest.UDP(packettest.Client(5353), s, make([]byte, 100)),
			decoded{Proto: packet.UDP, Total: 128, IPHeader: 20, L4Header: 8, Payload: 100, SrcPort: 5353, DstPort: 9000},
			"none", "none"},
	}
	for _, tc := range tests {
		got, err := packet.Decode(tc.in)
		if err != nil {
			t.Errorf("%s: packet.Decode: %v, want no error", tc.desc, err)
			continue
		}
		if f := fieldsOf(got); f != tc.want {
			t.Errorf("%s: packet.Decode =\n  %+v\nwant\n  %+v", tc.desc, f, tc.want)
		}
		if opts := optionNames(got.Options); opts != tc.options {
			t.Errorf("%s: options = %q, want %q", tc.desc, opts, tc.options)
		}
		if f := tap.FlagString(got.Flags); f != tc.flags {
			t.Errorf("%s: flags = %q, want %q", tc.desc, f, tc.flags)
		}
	}
}

func TestDecodeFrameRejects(t *testing.T) {
	c, s := packettest.Client(1), packettest.Server(2)
	good := packettest.TCP(c, s, 3, 4, packet.ACK, nil, make([]byte, 10))
	badOffset := append([]byte(nil), good...)
	badOffset[20+12] = 0xf0 // data offset 60 bytes in a 30-byte segment
	shortTotal := append([]byte(nil), good...)
	shortTotal[3] = 10
	fragment := append([]byte(nil), good...)
	fragment[6] = 0x20 // more fragments
	udpBadLen := packettest.UDP(c, s, make([]byte, 4))
	udpBadLen[20+5] = 200
	tests := []struct {
		desc string
		in   []byte
	}{
		{"empty", nil},
		{"IPv6 version", append([]byte{0x60}, make([]byte, 39)...)},
		{"TCP data offset past the end", badOffset},
		{"total length below the header", shortTotal},
		{"total length past the frame", good[:len(good)-1]},
		{"fragment", fragment},
		{"truncated TCP header", packettest.IPv4(c.Addr(), s.Addr(), packet.TCP, make([]byte, 10))},
		{"UDP length past the end", udpBadLen},
	}
	for _, tc := range tests {
		if p, err := packet.Decode(tc.in); err == nil {
			t.Errorf("%s: packet.Decode = %+v, want an error", tc.desc, p)
		}
	}
}
