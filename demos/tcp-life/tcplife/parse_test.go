package tcplife

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/packet"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// diagAnswer builds the kernel's answer to a lookup: one inet_diag_msg for
// s, then NLMSG_DONE when dump.
func diagAnswer(s sock, dump bool) []byte {
	ne := binary.NativeEndian
	m := make([]byte, nlmsgHdrLen+diagMsgLen)
	ne.PutUint32(m[0:], uint32(len(m)))
	ne.PutUint16(m[4:], sockDiagByFamily)
	b := m[nlmsgHdrLen:]
	b[0], b[1], b[2] = 2, byte(s.State), s.Timer
	binary.BigEndian.PutUint16(b[4:], s.Local.Port())
	binary.BigEndian.PutUint16(b[6:], s.Remote.Port())
	la, ra := s.Local.Addr().As4(), s.Remote.Addr().As4()
	copy(b[8:], la[:])
	copy(b[24:], ra[:])
	ne.PutUint32(b[52:], s.Expires)
	ne.PutUint32(b[56:], s.RQueue)
	ne.PutUint32(b[60:], s.WQueue)
	if dump {
		done := make([]byte, nlmsgHdrLen+4)
		ne.PutUint32(done[0:], uint32(len(done)))
		ne.PutUint16(done[4:], nlmsgDone)
		m = append(m, done...)
	}
	return m
}

func TestParseDiag(t *testing.T) {
	want := sock{State: kTimeWait, Timer: 3, Expires: 59_990,
		Local: netip.MustParseAddrPort("127.0.0.1:8080"), Remote: netip.MustParseAddrPort("127.0.0.1:50000"), RQueue: 0, WQueue: 7}
	for _, dump := range []bool{false, true} {
		got, done, err := parseDiag(diagAnswer(want, dump), dump)
		if err != nil || !done || len(got) != 1 || got[0] != want {
			t.Errorf("dump %v: parseDiag = %+v, done %v, %v; want [%+v], done, no error", dump, got, done, err, want)
		}
	}
	// ENOENT: the lookup of a socket that is gone.
	e := make([]byte, nlmsgHdrLen+4)
	binary.NativeEndian.PutUint32(e[0:], uint32(len(e)))
	binary.NativeEndian.PutUint16(e[4:], nlmsgError)
	binary.NativeEndian.PutUint32(e[16:], uint32(0xfffffffe)) // -2
	if _, done, err := parseDiag(e, false); !done || !errors.Is(err, errNoSocket) {
		t.Errorf("parseDiag(ENOENT) = done %v, %v; want done, errNoSocket", done, err)
	}
	// A message claiming more bytes than were received.
	bad := diagAnswer(want, false)
	binary.NativeEndian.PutUint32(bad[0:], 4096)
	if _, _, err := parseDiag(bad, false); err == nil {
		t.Errorf("parseDiag(length 4096 in %d bytes) = no error, want one", len(bad))
	}
}

func TestDiagRequest(t *testing.T) {
	l, r := netip.MustParseAddrPort("127.0.0.1:8080"), netip.MustParseAddrPort("127.0.0.1:50000")
	b := diagRequest(7, false, ^uint32(0), l, r)
	ne := binary.NativeEndian
	if n := ne.Uint32(b); int(n) != len(b) || len(b) != nlmsgHdrLen+diagReqLen {
		t.Fatalf("request length field %d, len %d; want %d", n, len(b), nlmsgHdrLen+diagReqLen)
	}
	if typ, flags := ne.Uint16(b[4:]), ne.Uint16(b[6:]); typ != sockDiagByFamily || flags != 1 {
		t.Errorf("type %d flags %#x, want SOCK_DIAG_BY_FAMILY and NLM_F_REQUEST only", typ, flags)
	}
	id := b[nlmsgHdrLen+8:]
	if sp, dp := binary.BigEndian.Uint16(id), binary.BigEndian.Uint16(id[2:]); sp != 8080 || dp != 50000 {
		t.Errorf("ports %d → %d in the request, want 8080 → 50000 in network order", sp, dp)
	}
	if d := diagRequest(8, true, 1<<kCloseWait, netip.AddrPort{}, netip.AddrPort{}); ne.Uint16(d[6:]) != 0x301 {
		t.Errorf("dump flags %#x, want NLM_F_REQUEST|NLM_F_DUMP", ne.Uint16(d[6:]))
	}
}

func FuzzParseDiag(f *testing.F) {
	s := sock{State: kEstablished, Local: netip.MustParseAddrPort("127.0.0.1:1"), Remote: netip.MustParseAddrPort("127.0.0.1:2")}
	f.Add(diagAnswer(s, false), false)
	f.Add(diagAnswer(s, true), true)
	f.Add([]byte{}, true)
	f.Fuzz(func(t *testing.T, b []byte, dump bool) {
		socks, _, _ := parseDiag(b, dump)
		if len(socks)*(nlmsgHdrLen+diagMsgLen) > len(b) {
			t.Fatalf("%d sockets from %d bytes", len(socks), len(b))
		}
	})
}

func TestParseNetstat(t *testing.T) {
	text := "TcpExt: SyncookiesSent ListenOverflows ListenDrops\nTcpExt: 0 12 13\nIpExt: InNoRoutes\nIpExt: 3\n"
	for _, c := range []struct {
		desc, group, name string
		want              uint64
		ok                bool
	}{
		{"a TcpExt counter", "TcpExt", "ListenOverflows", 12, true},
		{"the last column", "TcpExt", "ListenDrops", 13, true},
		{"another group", "IpExt", "InNoRoutes", 3, true},
		{"a name in no group", "TcpExt", "InNoRoutes", 0, false},
		{"a group that is absent", "MPTcpExt", "ListenOverflows", 0, false},
	} {
		if got, ok := parseNetstat(text, c.group, c.name); got != c.want || ok != c.ok {
			t.Errorf("%s: parseNetstat(%s, %s) = %d, %v; want %d, %v", c.desc, c.group, c.name, got, ok, c.want, c.ok)
		}
	}
	if _, ok := parseNetstat("TcpExt: A B\nTcpExt: 1\n", "TcpExt", "B"); ok {
		t.Errorf("a values line shorter than its header: found a value, want none")
	}
}

func FuzzParseNetstat(f *testing.F) {
	f.Add("TcpExt: ListenOverflows\nTcpExt: 5\n", "ListenOverflows")
	f.Add("TcpExt:\nTcpExt:\n", "")
	f.Fuzz(func(t *testing.T, text, name string) {
		parseNetstat(text, "TcpExt", name)
	})
}

func TestSackedAbove(t *testing.T) {
	// NOP, NOP, SACK with two blocks: [1000, 2000) and [3000, 3500).
	opts := []byte{1, 1, 5, 18}
	for _, b := range [][2]uint32{{1000, 2000}, {3000, 3500}} {
		opts = binary.BigEndian.AppendUint32(opts, b[0])
		opts = binary.BigEndian.AppendUint32(opts, b[1])
	}
	if got := sackedAbove(opts, 500); got != 1500 {
		t.Errorf("sackedAbove(ack 500) = %d, want 1000 + 500", got)
	}
	if got := sackedAbove(opts, 2500); got != 500 {
		t.Errorf("sackedAbove(ack 2500) = %d, want only the block above the ack: 500", got)
	}
	if got := sackedAbove([]byte{5, 200, 0}, 0); got != 0 {
		t.Errorf("sackedAbove(option longer than the list) = %d, want 0", got)
	}
}

func FuzzSackedAbove(f *testing.F) {
	f.Add([]byte{1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 9}, uint32(0))
	f.Fuzz(func(t *testing.T, opts []byte, ack uint32) {
		if n := sackedAbove(opts, ack); n < 0 {
			t.Fatalf("sackedAbove = %d, want ≥ 0", n)
		}
	})
}

// TestSpoofedSYN checks that the injected SYNs are packets a stack accepts:
// valid checksums, SYN only, the options a real client offers (window
// scaling among them: it is what tells a kept SYN-ACK from a cookie).
func TestSpoofedSYN(t *testing.T) {
	src, dst := netip.MustParseAddrPort("192.0.2.77:4242"), netip.MustParseAddrPort("192.0.2.2:80")
	b := spoofedSYN(src, dst, 12345)
	ip := header.IPv4(b)
	if !ip.IsValid(len(b)) || ip.CalculateChecksum() != 0xffff {
		t.Fatalf("IPv4 header invalid or its checksum wrong: % x", b[:20])
	}
	tcp := header.TCP(ip.Payload())
	sum := header.PseudoHeaderChecksum(header.TCPProtocolNumber, tcpip.AddrFrom4(src.Addr().As4()), tcpip.AddrFrom4(dst.Addr().As4()), uint16(len(tcp)))
	if !tcp.IsChecksumValid(tcpip.AddrFrom4(src.Addr().As4()), tcpip.AddrFrom4(dst.Addr().As4()), 0, 0) && tcp.CalculateChecksum(sum) != 0xffff {
		t.Errorf("TCP checksum wrong")
	}
	p, err := packet.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if p.SrcAddrPort() != src || p.DstAddrPort() != dst || p.Flags != packet.SYN || p.Seq != 12345 || p.ParseOptions().MSS != 1460 {
		t.Errorf("decoded %v → %v flags %v seq %d MSS %d; want %v → %v SYN 12345 MSS 1460", p.SrcAddrPort(), p.DstAddrPort(), p.Flags, p.Seq, p.ParseOptions().MSS, src, dst)
	}
	if o := p.ParseOptions(); o.WindowScale != 7 || !o.SACKPerm {
		t.Errorf("options: window scale %d, SACK-permitted %v; want 7, true", o.WindowScale, o.SACKPerm)
	}
}

// TestSpoofedSources checks that the largest flood uses every source
// address and port once, in the documentation range, never the lab's hosts.
func TestSpoofedSources(t *testing.T) {
	srcs := spoofedSources(rand.New(rand.NewPCG(1, 0x5f1d)), 5000)
	seen := map[netip.AddrPort]bool{}
	docs := netip.MustParsePrefix("192.0.2.0/24")
	for _, s := range srcs {
		if seen[s] {
			t.Fatalf("source %v used twice", s)
		}
		seen[s] = true
		if !docs.Contains(s.Addr()) || s.Addr() == lab.ClientAddr || s.Addr() == lab.ServerAddr || s.Port() < 1024 {
			t.Fatalf("source %v: want an address of 192.0.2.0/24 other than the lab's hosts, port ≥ 1024", s)
		}
	}
	if len(srcs) != 5000 {
		t.Errorf("%d sources, want 5000", len(srcs))
	}
}

func TestSYNSchedule(t *testing.T) {
	for _, c := range []struct {
		desc string
		s    synSchedule
		want string
	}{
		{"RFC 6298: doubling from 1 s", synSchedule{}, "1 s, 3 s, 7 s, 15 s"},
		{"Linux with tcp_syn_linear_timeouts = 4", synSchedule{Linear: 4, Known: true}, "1 s, 2 s, 3 s, 4 s"},
		{"one linear retransmission", synSchedule{Linear: 1, Known: true}, "1 s, 3 s, 7 s, 15 s"},
		{"two linear retransmissions", synSchedule{Linear: 2, Known: true}, "1 s, 2 s, 4 s, 8 s"},
	} {
		if got := c.s.describe(4, ", "); got != c.want {
			t.Errorf("%s: describe(4) = %q, want %q", c.desc, got, c.want)
		}
	}
	s := synSchedule{Linear: 4, Known: true}
	for _, c := range []struct {
		ms   float64
		want int
	}{{1006, 1}, {2033, 2}, {1500, 0}, {30, 0}, {3900, 4}} {
		if got := s.nearest(time.Duration(c.ms * float64(time.Millisecond))); got != c.want {
			t.Errorf("nearest(%v ms) = %d, want %d", c.ms, got, c.want)
		}
	}
	if n, ok := parseSysctl("4\n"); n != 4 || !ok {
		t.Errorf(`parseSysctl("4\n") = %d, %v; want 4, true`, n, ok)
	}
	if _, ok := parseSysctl("-1"); ok {
		t.Errorf(`parseSysctl("-1") accepted a negative count`)
	}
}
