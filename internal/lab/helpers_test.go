package lab

import (
	"context"
	"encoding/binary"
	"fmt"
	"github.com/netdemo/netdemo/internal/netx"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// newTestLab starts a lab that is closed when the test ends.
func newTestLab(t testing.TB, cfg Config) *Lab {
	t.Helper()
	l, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return l
}

// testContext is cancelled when the test ends or after d.
func testContext(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// recorder is a tap that keeps every frame.
type recorder struct {
	mu     sync.Mutex
	frames []Frame
}

func record(l *Lab) *recorder {
	r := &recorder{}
	l.AddTap(func(f Frame) {
		r.mu.Lock()
		r.frames = append(r.frames, f)
		r.mu.Unlock()
	})
	return r
}

func (r *recorder) all() []Frame {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Frame(nil), r.frames...)
}

// udpPayload returns the UDP payload of an IPv4 frame, or ok false when the
// frame is not an unfragmented UDP datagram.
func udpPayload(data []byte) (payload []byte, ok bool) {
	ip := header.IPv4(data)
	if !ip.IsValid(len(data)) || ip.TransportProtocol() != header.UDPProtocolNumber || ip.More() || ip.FragmentOffset() != 0 {
		return nil, false
	}
	u := header.UDP(ip.Payload())
	if len(u) < header.UDPMinimumSize {
		return nil, false
	}
	return u.Payload(), true
}

// tcpSegment returns the TCP header and payload length of an IPv4 frame.
func tcpSegment(data []byte) (tcp header.TCP, payloadLen int, ok bool) {
	ip := header.IPv4(data)
	if !ip.IsValid(len(data)) || ip.TransportProtocol() != header.TCPProtocolNumber {
		return nil, 0, false
	}
	tcp = header.TCP(ip.Payload())
	if len(tcp) < header.TCPMinimumSize || int(tcp.DataOffset()) > len(tcp) {
		return nil, 0, false
	}
	return tcp, len(tcp) - int(tcp.DataOffset()), true
}

// echoServer accepts on the server host and echoes every connection back.
func echoServer(t testing.TB, l *Lab) net.Listener {
	t.Helper()
	ln, err := l.Server().Listen(context.Background(), "tcp", ":0")
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	return ln
}

// blastUDP sends n numbered datagrams in direction d and returns the numbers
// in the order they arrived. It sends in small batches and waits for each
// batch to arrive (as far as the link delivers it), so that the receiving
// socket's buffer never overflows and every loss is the link's.
func blastUDP(l *Lab, d netx.Direction, n int) ([]uint32, error) {
	return blastUDPOn(l, l.Client(), l.Server(), d, n)
}

// blastUDPOn is blastUDP between two hosts of any topology: d is
// ClientToServer for a → b.
func blastUDPOn(l *Lab, a, b *Host, d netx.Direction, n int) ([]uint32, error) {
	u, err := openBlast(l, a, b, d)
	if err != nil {
		return nil, err
	}
	return u.send(n)
}

// blast is a UDP flow opened for blastUDP: the sockets are opened first, so
// that a test can open several flows in a fixed order (their ephemeral ports
// then come from the seed) and send on them at once.
type blast struct {
	l    *Lab
	d    netx.Direction
	pc   net.PacketConn
	c    net.Conn
	port uint16
}

func openBlast(l *Lab, a, b *Host, d netx.Direction) (*blast, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	from, to := a, b
	if d == netx.ServerToClient {
		from, to = to, from
	}
	pc, err := to.ListenPacket(ctx, "udp", ":0")
	if err != nil {
		return nil, err
	}
	c, err := from.Dial(ctx, "udp", net.JoinHostPort(to.Name(), strconv.Itoa(pc.LocalAddr().(*net.UDPAddr).Port)))
	if err != nil {
		pc.Close()
		return nil, err
	}
	return &blast{l: l, d: d, pc: pc, c: c, port: uint16(pc.LocalAddr().(*net.UDPAddr).Port)}, nil
}

// send sends n datagrams and closes the flow.
func (u *blast) send(n int) ([]uint32, error) {
	const batch = 100
	l, d, pc, c := u.l, u.d, u.pc, u.c
	defer pc.Close()
	defer c.Close()

	var (
		mu   sync.Mutex
		got  []uint32
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		buf := make([]byte, 64)
		for {
			m, _, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if m >= 4 {
				mu.Lock()
				got = append(got, binary.BigEndian.Uint32(buf))
				mu.Unlock()
			}
		}
	}()

	// expected counts the datagrams the link decided to deliver to pc;
	// arrived waits until the receiver has all of them so far. Other
	// traffic (say, a TCP connection closing) is not counted.
	dst := pc.LocalAddr().(*net.UDPAddr).IP
	var expected atomic.Int64
	defer l.AddTap(func(f Frame) {
		ip := header.IPv4(f.Data)
		if !ip.IsValid(len(f.Data)) || ip.TransportProtocol() != header.UDPProtocolNumber ||
			header.UDP(ip.Payload()).DestinationPort() != u.port || ip.DestinationAddress().As4() != [4]byte(dst.To4()) {
			return
		}
		switch f.Fate {
		case Delivered, Reordered:
			expected.Add(1)
		case Duplicated:
			expected.Add(2)
		}
	})()
	arrived := func() error {
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(200 * time.Microsecond) {
			want := int(expected.Load())
			mu.Lock()
			have := len(got)
			mu.Unlock()
			if have >= want {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%v: %d datagrams arrived after 5s, want %d", d, have, want)
			}
		}
	}
	msg := make([]byte, 16)
	for i := range n {
		binary.BigEndian.PutUint32(msg, uint32(i))
		if _, err := c.Write(msg); err != nil {
			return nil, err
		}
		if (i+1)%batch == 0 || i == n-1 {
			if err := arrived(); err != nil {
				return nil, err
			}
		}
	}
	pc.Close()
	<-done
	return got, nil
}

// fates returns the fates of d's frames, in order.
func fates(frames []Frame, d netx.Direction) []Fate {
	var fs []Fate
	for _, f := range frames {
		if f.Dir == d {
			fs = append(fs, f.Fate)
		}
	}
	return fs
}
