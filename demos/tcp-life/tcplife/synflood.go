package tcplife

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/packet"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// floodBacklog is the flooded listener's backlog. gVisor, like Linux,
// answers with SYN cookies once the handshakes in progress reach it
// (accept.go: pending == capacity-1).
const floodBacklog = 8

const floodPort = 80

// synFlood is what the SYN flood on the lab showed.
type synFlood struct {
	Spoofed       int
	SYNACKsToVoid int // SYN-ACKs the server sent to spoofed addresses
	CookiesSent   uint64
	HalfOpen      int // SYN-ACKs to the void that were not cookies: state kept
	// HalfOpenFirst: the SYN-ACKs with window scaling (state kept; a
	// cookie cannot carry it) were exactly the first HalfOpen ones.
	HalfOpenFirst bool
	CookiesRcvd   uint64
	// The real client: once before the flood (a normal handshake), once
	// during it.
	Before, During handshake
	Frames         []seen // the real client's handshake during the flood
}

// handshake is one real client's connection to the flooded server.
type handshake struct {
	Port    uint16 // the client's port
	Connect time.Duration
	SYNACK  packet.Packet // the server's SYN-ACK
	Opts    packet.TCPOptions
	OK      bool
	Err     string
}

// observeSYNFlood floods a lab server's listener with n SYNs from spoofed
// addresses of 192.0.2.0/24 (RFC 5737's TEST-NET-1, the lab's own subnet,
// so the server has a route back: its SYN-ACKs cross the link to the
// client host, which owns none of those addresses and drops them, as the
// Internet would). Then a real client connects.
func observeSYNFlood(ctx context.Context, l *lab.Lab, n int, seed int64) (synFlood, error) {
	out := synFlood{Spoofed: n}
	w := &recorder{}
	remove := l.AddTap(w.tap)
	defer remove()

	ln, err := labListen(l.Server(), floodPort, floodBacklog)
	if err != nil {
		return out, err
	}
	defer ln.Close()
	// The server accepts every connection that completes: the accept
	// queue never fills, so only the SYN queue is under attack.
	var held []net.Conn
	var mu sync.Mutex
	accepted := make(chan uint16, 16) // the client port of each accepted connection
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
			select {
			case accepted <- netx.Port(c.RemoteAddr()):
			default:
			}
		}
	}()
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	}()

	stats := l.Server().Stack().Stats().TCP
	out.Before = connectReal(ctx, l, w, accepted)

	// The flood: every SYN from a different spoofed address and port.
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5f1d))
	server := netip.AddrPortFrom(lab.ServerAddr, floodPort)
	cookies0 := stats.ListenOverflowSynCookieSent.Value()
	for _, src := range spoofedSources(rng, n) {
		l.Inject(netx.ClientToServer, spoofedSYN(src, server, rng.Uint32()))
	}
	spoofed := func(f seen) bool {
		return f.Dir == netx.ServerToClient && f.Pkt.Flags.Has(packet.SYN|packet.ACK) && f.Pkt.Dst != lab.ClientAddr
	}
	// Every spoofed SYN is answered within a round trip and a little (2 s
	// is for a very busy machine). Each spoofed address is counted once:
	// after a second the half-open ones' SYN-ACKs are sent again.
	voids := func() int {
		seenTo := map[netip.AddrPort]bool{}
		for _, f := range w.snapshot() {
			if spoofed(f) {
				seenTo[f.Pkt.DstAddrPort()] = true
			}
		}
		return len(seenTo)
	}
	// With --loss some SYNs never arrive: stop waiting once no new address
	// has been answered for a round trip and a little.
	deadline := time.Now().Add(l.Link().RTT + 2*time.Second)
	quiet := l.Link().RTT + 300*time.Millisecond
	last, lastAt := 0, time.Now()
	for v := voids(); v < n && time.Now().Before(deadline); v = voids() {
		if v > last {
			last, lastAt = v, time.Now()
		} else if v > 0 && time.Since(lastAt) > quiet {
			break
		}
		time.Sleep(time.Millisecond)
	}
	out.SYNACKsToVoid = voids()
	out.CookiesSent = stats.ListenOverflowSynCookieSent.Value() - cookies0
	out.HalfOpen = out.SYNACKsToVoid - int(out.CookiesSent)
	k := 0
	out.HalfOpenFirst = true
	named := map[netip.AddrPort]bool{}
	for _, f := range w.snapshot() {
		if spoofed(f) && !named[f.Pkt.DstAddrPort()] {
			named[f.Pkt.DstAddrPort()] = true
			full := f.Pkt.ParseOptions().WindowScale >= 0
			out.HalfOpenFirst = out.HalfOpenFirst && full == (k < out.HalfOpen)
			k++
		}
	}

	rcvd0 := stats.ListenOverflowSynCookieRcvd.Value()
	first := len(w.snapshot())
	out.During = connectReal(ctx, l, w, accepted)
	out.CookiesRcvd = stats.ListenOverflowSynCookieRcvd.Value() - rcvd0
	for _, f := range w.snapshot()[first:] {
		if f.Pkt.Src == lab.ClientAddr && f.Pkt.SrcPort == out.During.Port || f.Pkt.Dst == lab.ClientAddr && f.Pkt.DstPort == out.During.Port {
			out.Frames = append(out.Frames, f)
		}
	}
	return out, nil
}

// connectReal connects the real client, waits until the server has
// accepted it (the client's ACK takes half a round trip to get there), and
// finds its SYN-ACK in the tap.
func connectReal(ctx context.Context, l *lab.Lab, w *recorder, accepted <-chan uint16) handshake {
	var h handshake
	dctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	t0 := time.Now()
	c, err := l.Client().Dial(dctx, "tcp", net.JoinHostPort(lab.ServerName, fmt.Sprint(floodPort)))
	h.Connect = time.Since(t0)
	if err != nil {
		h.Err = err.Error()
		return h
	}
	defer c.Close()
	port := netx.Port(c.LocalAddr())
	h.Port = port
	wait := time.After(time.Second)
	for !h.OK {
		select {
		case p := <-accepted:
			h.OK = p == port
		case <-wait:
			h.Err = "the server never accepted the connection"
			return h
		}
	}
	for _, f := range w.snapshot() {
		if f.Pkt.Flags.Has(packet.SYN|packet.ACK) && f.Pkt.Dst == lab.ClientAddr && f.Pkt.DstPort == port {
			h.SYNACK, h.Opts = f.Pkt, f.Pkt.ParseOptions()
		}
	}
	return h
}

// spoofedSources are n spoofed sources, each address and port once: a
// repeated one would be a retransmitted SYN, not another half-open
// connection, and would be counted once in the tap.
func spoofedSources(rng *rand.Rand, n int) []netip.AddrPort {
	out := make([]netip.AddrPort, 0, n)
	used := map[netip.AddrPort]bool{}
	for i := range n {
		src := netip.AddrPortFrom(spoofedAddr(i), uint16(1024+rng.IntN(64511)))
		for used[src] {
			src = netip.AddrPortFrom(spoofedAddr(i), uint16(1024+rng.IntN(64511)))
		}
		used[src] = true
		out = append(out, src)
	}
	return out
}

// spoofedAddr is the i-th spoofed source: 192.0.2.10 … 192.0.2.254, then
// round again, never the lab's two hosts.
func spoofedAddr(i int) netip.Addr {
	return netip.AddrFrom4([4]byte{192, 0, 2, byte(10 + i%245)})
}

// spoofedSYN builds an IPv4 packet holding a SYN with the options a real
// client offers (MSS, SACK-permitted, window scale), its checksums right:
// the receiving stack checks them. With window scaling offered, a SYN-ACK
// for which the server kept state carries it back and a cookie cannot, so
// the tap tells the two apart.
func spoofedSYN(src, dst netip.AddrPort, seq uint32) []byte {
	const tcpLen = header.TCPMinimumSize + 12
	b := make([]byte, header.IPv4MinimumSize+tcpLen)
	sa, da := tcpip.AddrFrom4(src.Addr().As4()), tcpip.AddrFrom4(dst.Addr().As4())
	ip := header.IPv4(b)
	ip.Encode(&header.IPv4Fields{TotalLength: uint16(len(b)), TTL: 64, Protocol: uint8(header.TCPProtocolNumber), SrcAddr: sa, DstAddr: da})
	ip.SetChecksum(^ip.CalculateChecksum())
	t := header.TCP(b[header.IPv4MinimumSize:])
	t.Encode(&header.TCPFields{SrcPort: src.Port(), DstPort: dst.Port(), SeqNum: seq, DataOffset: tcpLen, Flags: header.TCPFlagSyn, WindowSize: 64240})
	t[20], t[21] = 2, 4 // MSS, 4 bytes
	binary.BigEndian.PutUint16(t[22:], 1460)
	t[24], t[25], t[26], t[27] = 1, 1, 4, 2 // NOP, NOP, SACK-permitted
	t[28], t[29], t[30], t[31] = 1, 3, 3, 7 // NOP, window scale 7
	t.SetChecksum(^t.CalculateChecksum(header.PseudoHeaderChecksum(header.TCPProtocolNumber, sa, da, tcpLen)))
	return b
}
