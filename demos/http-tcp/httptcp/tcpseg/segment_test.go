package tcpseg_test

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/netdemo/netdemo/demos/http-tcp/httptcp/tcpseg"
)

// packet builds an IPv4 packet with a TCP header (20 bytes, or more with
// options) and payload.
func packet(flags uint8, optWords int, payload string) []byte {
	ihl, doff := 20, 20+4*optWords
	b := make([]byte, ihl+doff+len(payload))
	b[0] = 0x45
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
	b[9] = 6
	copy(b[12:], []byte{192, 0, 2, 1})
	copy(b[16:], []byte{192, 0, 2, 2})
	t := b[ihl:]
	binary.BigEndian.PutUint16(t[0:], 49152)
	binary.BigEndian.PutUint16(t[2:], 80)
	binary.BigEndian.PutUint32(t[4:], 1000)
	binary.BigEndian.PutUint32(t[8:], 2000)
	t[12] = byte(doff/4) << 4
	t[13] = flags
	copy(t[doff:], payload)
	return b
}

func TestParse(t *testing.T) {
	tests := []struct {
		desc    string
		pkt     []byte
		opens   bool
		payload int
	}{
		{"SYN with options opens a connection", packet(tcpseg.SYN, 5, ""), true, 0},
		{"SYN-ACK does not", packet(tcpseg.SYN|tcpseg.ACK, 3, ""), false, 0},
		{"data segment", packet(tcpseg.PSH|tcpseg.ACK, 3, "GET / HTTP/1.1\r\n"), false, 16},
	}
	for _, tt := range tests {
		s, err := tcpseg.Parse(tt.pkt)
		if err != nil {
			t.Errorf("%s: Parse error %v, want none", tt.desc, err)
			continue
		}
		if s.Opens() != tt.opens || s.Payload != tt.payload {
			t.Errorf("%s: Opens() = %v, Payload = %d; want %v, %d", tt.desc, s.Opens(), s.Payload, tt.opens, tt.payload)
		}
		if want := netip.MustParseAddrPort("192.0.2.1:49152"); s.Src != want || s.Dst.Port() != 80 || s.Seq != 1000 {
			t.Errorf("%s: Src %v Dst %v Seq %d, want %v, port 80, seq 1000", tt.desc, s.Src, s.Dst, s.Seq, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	udp := packet(0, 0, "")
	udp[9] = 17
	v6 := packet(0, 0, "")
	v6[0] = 0x60
	badOff := packet(0, 0, "")
	badOff[20+12] = 0xf0 // 60-byte TCP header in a 20-byte segment
	long := packet(0, 0, "")
	binary.BigEndian.PutUint16(long[2:], 9999)
	for _, tt := range []struct {
		desc string
		pkt  []byte
	}{
		{"empty", nil},
		{"UDP", udp},
		{"IPv6", v6},
		{"TCP data offset past the end", badOff},
		{"IPv4 total length past the end", long},
		{"IPv4 header only", packet(0, 0, "")[:20]},
	} {
		if _, err := tcpseg.Parse(tt.pkt); err == nil {
			t.Errorf("%s: Parse = no error, want one", tt.desc)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(packet(tcpseg.SYN, 5, ""))
	f.Add(packet(tcpseg.ACK, 3, "HTTP/1.1 200 OK\r\n"))
	f.Fuzz(func(t *testing.T, pkt []byte) {
		s, err := tcpseg.Parse(pkt)
		if err == nil && (s.Payload < 0 || s.Payload > len(pkt)-40) {
			t.Fatalf("Payload %d for a %d-byte packet", s.Payload, len(pkt))
		}
	})
}
