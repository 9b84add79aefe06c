package tcpudp

import (
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/lab"
)

// seg is a decoded TCP frame for the analysis tests.
func seg(dir lab.Direction, seq uint32, flags uint8, payload int, fate lab.Fate, at time.Duration) seen {
	src, dst := uint16(40000), uint16(9000)
	if dir == lab.ServerToClient {
		src, dst = dst, src
	}
	return seen{At: time.Unix(0, 0).Add(at), Dir: dir, Fate: fate, Pkt: packet{
		Proto: protoTCP, Total: 52 + payload, IPHeader: 20, L4Header: 32, Payload: payload,
		SrcPort: src, DstPort: dst, Seq: seq, Flags: flags}}
}

const c2s, s2c = lab.ClientToServer, lab.ServerToClient

func TestRetransmissions(t *testing.T) {
	const isn = 1000
	tests := []struct {
		desc   string
		frames []seen
		want   int
	}{
		{"no loss", []seen{
			seg(c2s, isn, flagSYN, 0, lab.Delivered, 0),
			seg(c2s, isn+1, flagACK, 100, lab.Delivered, 0),
			seg(c2s, isn+101, flagACK, 100, lab.Delivered, 0),
			seg(s2c, 5, flagACK, 0, lab.Delivered, 0),
		}, 0},
		{"one segment sent again", []seen{
			seg(c2s, isn, flagSYN, 0, lab.Delivered, 0),
			seg(c2s, isn+1, flagACK, 100, lab.Dropped, 0),
			seg(c2s, isn+101, flagACK, 100, lab.Delivered, 0),
			seg(c2s, isn+1, flagACK, 100, lab.Delivered, 0),
		}, 1},
		{"repacketized: overlaps old and new bytes", []seen{
			seg(c2s, isn+1, flagACK, 100, lab.Dropped, 0),
			seg(c2s, isn+1, flagACK, 200, lab.Delivered, 0),
		}, 1},
		{"SYN sent again is not a data retransmission", []seen{
			seg(c2s, isn, flagSYN, 0, lab.Dropped, 0),
			seg(c2s, isn, flagSYN, 0, lab.Delivered, 0),
		}, 0},
		{"same sequence numbers in the other direction", []seen{
			seg(c2s, 1, flagACK, 100, lab.Delivered, 0),
			seg(s2c, 1, flagACK, 100, lab.Delivered, 0),
		}, 0},
		{"sequence numbers wrap around 2^32", []seen{
			seg(c2s, 0xffffffc0, flagACK, 100, lab.Delivered, 0),
			seg(c2s, 0x24, flagACK, 100, lab.Delivered, 0),
			seg(c2s, 0xffffffc0, flagACK, 100, lab.Delivered, 0),
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
	frames := []seen{
		seg(c2s, isn+1, flagACK, 100, lab.Dropped, 0),
		seg(c2s, isn+101, flagACK, 100, lab.Delivered, 2*ms),
		seg(c2s, isn+1, flagACK, 100, lab.Delivered, 50*ms),
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
	frames := []seen{
		seg(c2s, isn+1, flagACK, 60, lab.Delivered, 0),
		seg(c2s, isn+61, flagACK, 40, lab.Delivered, 10*ms),
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
