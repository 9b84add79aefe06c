// The tests live outside package packet because they build their packets
// with packettest, which imports packet; the dot import keeps them reading
// as if inside (the use Go's code review comments allow for this cycle).
package packet_test

import (
	"errors"
	"net/netip"
	"testing"

	. "github.com/netdemo/netdemo/internal/packet"
	"github.com/netdemo/netdemo/internal/packet/packettest"
)

// build makes an IPv4 packet from 192.0.2.1:49152 to 192.0.2.2:80: a TCP
// segment (seq 1000, ack 2000) or, for proto UDP, a datagram.
func build(proto int, flags Flags, opts, payload []byte) []byte {
	src, dst := packettest.Client(49152), packettest.Server(80)
	if proto == UDP {
		return packettest.UDP(src, dst, payload)
	}
	return packettest.TCP(src, dst, 1000, 2000, flags, opts, payload)
}

func TestDecode(t *testing.T) {
	synOpts := []byte{2, 4, 0x05, 0xb4, 4, 2, 1, 3, 3, 7, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0}
	tests := []struct {
		desc    string
		in      []byte
		proto   int
		flags   Flags
		payload int
		l4      int
		seqEnd  uint32
	}{
		{"SYN with options", build(TCP, SYN, synOpts, nil), TCP, SYN, 0, 40, 1001},
		{"data segment", build(TCP, PSH|ACK, nil, []byte("GET / HTTP/1.1\r\n")), TCP, PSH | ACK, 16, 20, 1016},
		{"FIN", build(TCP, FIN|ACK, nil, nil), TCP, FIN | ACK, 0, 20, 1001},
		{"UDP datagram", build(UDP, 0, nil, []byte("ping")), UDP, 0, 4, 8, 0},
	}
	for _, tt := range tests {
		p, err := Decode(tt.in)
		if err != nil {
			t.Errorf("%s: Decode: %v", tt.desc, err)
			continue
		}
		if p.Proto != tt.proto || p.Flags != tt.flags || len(p.Payload) != tt.payload || p.L4Header != tt.l4 {
			t.Errorf("%s: got proto %d flags %v payload %d l4 %d; want %d %v %d %d", tt.desc, p.Proto, p.Flags, len(p.Payload), p.L4Header, tt.proto, tt.flags, tt.payload, tt.l4)
		}
		if p.SrcAddrPort() != netip.MustParseAddrPort("192.0.2.1:49152") || p.DstAddrPort() != netip.MustParseAddrPort("192.0.2.2:80") {
			t.Errorf("%s: endpoints %v → %v", tt.desc, p.SrcAddrPort(), p.DstAddrPort())
		}
		if tt.proto == TCP && p.SeqEnd() != tt.seqEnd {
			t.Errorf("%s: SeqEnd = %d, want %d", tt.desc, p.SeqEnd(), tt.seqEnd)
		}
	}
	p, _ := Decode(build(TCP, SYN, synOpts, nil))
	if o := p.ParseOptions(); o != (TCPOptions{MSS: 1460, WindowScale: 7, SACKPerm: true, Timestamps: true}) {
		t.Errorf("ParseOptions = %+v, want MSS 1460, WS 7, SACK_PERM, timestamps", o)
	}
	if s := (SYN | ACK).String(); s != "SYN, ACK" {
		t.Errorf("Flags.String = %q, want %q", s, "SYN, ACK")
	}
}

func TestDecodeRejects(t *testing.T) {
	good := build(TCP, ACK, nil, []byte("x"))
	short := good[:10]
	v6 := append([]byte{0x60}, good[1:]...)
	badOff := append([]byte(nil), good...)
	badOff[20+12] = 0xf0 // data offset 60 > segment
	frag := append([]byte(nil), good...)
	frag[6] = 0x20 // more fragments
	for _, tt := range []struct {
		desc string
		in   []byte
	}{{"short", short}, {"IPv6", v6}, {"bad TCP offset", badOff}, {"fragment", frag}, {"truncated", good[:len(good)-1]}} {
		if _, err := Decode(tt.in); err == nil {
			t.Errorf("%s: Decode = nil error, want one", tt.desc)
		}
	}
	if _, err := Decode(short); !errors.Is(err, ErrShort) {
		t.Errorf("short: error %v, want ErrShort", err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(build(TCP, SYN, []byte{2, 4, 5, 180, 1, 3, 3, 7}, nil))
	f.Add(build(UDP, 0, nil, []byte("hello")))
	f.Add(build(TCP, PSH|ACK, nil, []byte("data")))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Decode(b)
		if err != nil {
			return
		}
		if p.Total > len(b) || len(p.Payload) > p.Total {
			t.Fatalf("payload %d and total %d beyond %d bytes", len(p.Payload), p.Total, len(b))
		}
		p.ParseOptions()
		_ = p.Flags.String()
	})
}
