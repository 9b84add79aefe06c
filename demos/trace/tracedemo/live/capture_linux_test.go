//go:build linux

package live

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/packet"
)

// openOrSkip opens a capture, skipping the test without CAP_NET_RAW.
func openOrSkip(t *testing.T, f Filter) *Capture {
	t.Helper()
	c, err := Open(f)
	if errors.Is(err, ErrPermission) {
		t.Skipf("no CAP_NET_RAW (uid %d): %v", os.Getuid(), err)
	}
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return c
}

// segKey identifies a TCP segment as a reader of the trace would: two
// equal keys in one capture mean a packet was shown twice.
type segKey struct {
	sport, dport uint16
	seq, ack     uint32
	flags        packet.Flags
	payload      int
}

func keyOf(t *testing.T, ip []byte) segKey {
	t.Helper()
	p, err := packet.Decode(ip)
	if err != nil || p.Proto != packet.TCP {
		t.Fatalf("captured packet % x: %v, want a TCP segment", ip, err)
	}
	return segKey{
		sport: p.SrcPort, dport: p.DstPort, seq: p.Seq, ack: p.Ack,
		flags: p.Flags, payload: len(p.Payload),
	}
}

// TestCaptureSeesEachLoopbackPacketOnce opens a real TCP connection on
// 127.0.0.1, sends a few messages and closes it: the capture must hold the
// handshake, the data and the teardown, each segment exactly once.
func TestCaptureSeesEachLoopbackPacketOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	c := openOrSkip(t, Filter{TCPPorts: []int{port}})

	go func() {
		s, err := ln.Accept()
		if err != nil {
			return
		}
		io.Copy(s, s)
		s.Close()
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 16)
	for i := range 3 {
		fmt.Fprintf(conn, "msg%d", i)
		if _, err := io.ReadFull(conn, buf[:4]); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close()
	pkts, err := c.Stop(300*time.Millisecond, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[segKey]int{}
	var syn, fin int
	for i, p := range pkts {
		k := keyOf(t, p.Data)
		if j, dup := seen[k]; dup {
			t.Errorf("packet %d repeats packet %d (%+v): the outgoing copy was not dropped", i+1, j+1, k)
		}
		seen[k] = i
		if k.flags.Has(packet.SYN) {
			syn++
		}
		if k.flags.Has(packet.FIN) {
			fin++
		}
	}
	// SYN, SYN/ACK, ACK, 3×(data, data echoed, ACKs...) and the teardown:
	// at least 3 + 6 + 3 segments, with 2 SYNs and 2 FINs among them.
	if syn != 2 || fin != 2 || len(pkts) < 12 {
		t.Errorf("captured %d packets with %d SYN and %d FIN, want at least 12 with 2 SYN and 2 FIN", len(pkts), syn, fin)
	}
}
