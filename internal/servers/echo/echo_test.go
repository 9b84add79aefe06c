package echo_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/servers/echo"
)

// start runs an echo server on a free loopback port for the test.
func start(t testing.TB) *echo.Server {
	t.Helper()
	s, err := echo.Listen(context.Background(), netx.Loopback, "127.0.0.1:0", echo.Config{})
	if err != nil {
		t.Fatalf("echo.Listen: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// udpRoundTrip sends b and returns the echo, retrying on a loaded machine.
func udpRoundTrip(t *testing.T, c net.Conn, b []byte) []byte {
	t.Helper()
	buf := make([]byte, echo.MaxDatagram+1)
	for try := 0; try < 5; try++ {
		if _, err := c.Write(b); err != nil {
			t.Fatalf("sending %d bytes: %v", len(b), err)
		}
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		n, err := c.Read(buf)
		if err == nil {
			return buf[:n]
		}
	}
	t.Fatalf("no echo for a %d-byte datagram", len(b))
	return nil
}

func TestSamePortBothProtocols(t *testing.T) {
	s := start(t)
	tp := s.TCPAddr().(*net.TCPAddr).Port
	up := s.UDPAddr().(*net.UDPAddr).Port
	if tp != up || tp == 0 {
		t.Errorf("TCP port %d, UDP port %d: want the same picked port", tp, up)
	}
}

func TestTCPEchoesTheStream(t *testing.T) {
	s := start(t)
	c, err := net.Dial("tcp", s.TCPAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	want := bytes.Repeat([]byte("0123456789"), 10000) // 100 kB: many reads
	go c.Write(want)
	got := make([]byte, len(want))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("reading the echo: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Error("TCP echo differs from what was sent")
	}
}

// TestUDPKeepsServing: garbage, an empty datagram and the largest possible
// datagram are each echoed as they are, and the server still answers after.
func TestUDPKeepsServing(t *testing.T) {
	s := start(t)
	c, err := net.Dial("udp", s.UDPAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	garbage := []byte{0xff, 0x00, 0xfe, 0x80, '\n', 0}
	largest := bytes.Repeat([]byte{0xa5}, 65507) // 65,535 − 20 − 8
	for _, tc := range []struct {
		desc string
		b    []byte
	}{
		{"garbage", garbage},
		{"empty datagram", []byte{}},
		{"largest IPv4 datagram", largest},
		{"ordinary datagram after them", []byte("still there?\n")},
	} {
		if got := udpRoundTrip(t, c, tc.b); !bytes.Equal(got, tc.b) {
			t.Errorf("%s: echo of %d bytes came back as %d bytes, want identical", tc.desc, len(tc.b), len(got))
		}
	}
	// One byte too many never leaves the client: EMSGSIZE.
	if _, err := c.Write(make([]byte, 65508)); err == nil {
		t.Error("sending 65,508 bytes succeeded, want EMSGSIZE")
	}
	if got := udpRoundTrip(t, c, []byte("ok")); string(got) != "ok" {
		t.Errorf("after the oversize attempt: echo %q, want \"ok\"", got)
	}
	// Datagrams from a socket that is gone before the echo arrives.
	for range 20 {
		g, err := net.Dial("udp", s.UDPAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		g.Write(garbage)
		g.Close()
	}
	if got := udpRoundTrip(t, c, []byte("ok")); string(got) != "ok" {
		t.Errorf("after echoes to closed sockets: echo %q, want \"ok\"", got)
	}
}

func TestAddrInUse(t *testing.T) {
	s := start(t)
	for _, tc := range []struct {
		desc, addr, network string
	}{
		{"TCP port taken", s.TCPAddr().String(), "tcp"},
	} {
		_, err := echo.Listen(context.Background(), netx.Loopback, tc.addr, echo.Config{})
		var inUse *echo.AddrInUseError
		if !errors.As(err, &inUse) || inUse.Network != tc.network || inUse.Addr != tc.addr {
			t.Errorf("%s: Listen(%s) = %v, want AddrInUseError for %s %s", tc.desc, tc.addr, err, tc.network, tc.addr)
		}
	}
	// Only the UDP port taken: the TCP listener must be released again.
	// The kernel picks the UDP port; another test may hold the same number
	// for TCP, so pick again until the TCP twin is free (a few tries).
	var addr string
	for try := 0; ; try++ {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		addr = pc.LocalAddr().String()
		_, err = echo.Listen(context.Background(), netx.Loopback, addr, echo.Config{})
		var inUse *echo.AddrInUseError
		if errors.As(err, &inUse) && inUse.Network == "tcp" && try < 10 {
			continue // the TCP twin belongs to someone else
		}
		if !errors.As(err, &inUse) || inUse.Network != "udp" {
			t.Fatalf("Listen(%s) with the UDP port taken = %v, want AddrInUseError for udp", addr, err)
		}
		break
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Errorf("TCP %s still taken after the failed Listen: %v", addr, err)
	} else {
		ln.Close()
	}
}

// TestCloseStopsEverything: Close with clients still connected returns,
// the clients see the connection end, and no goroutine is left.
func TestCloseStopsEverything(t *testing.T) {
	before := runtime.NumGoroutine()
	s, err := echo.Listen(context.Background(), netx.Loopback, "127.0.0.1:0", echo.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	for range 10 {
		c, err := net.Dial("tcp", s.TCPAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	// Make sure every connection was accepted before closing.
	for _, c := range conns {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		c.Write([]byte("x"))
		if _, err := io.ReadFull(c, make([]byte, 1)); err != nil {
			t.Fatalf("echo before Close: %v", err)
		}
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	for _, c := range conns {
		if _, err := c.Read(make([]byte, 1)); err == nil {
			t.Error("a client read succeeded after Close, want EOF or reset")
		}
	}
	for _, c := range conns {
		c.Close()
	}
	waitGoroutines(t, before)
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v, want nil", err)
	}
}

// waitGoroutines polls until the goroutine count is back to before: closing
// sockets wakes their goroutines asynchronously.
func waitGoroutines(t testing.TB, before int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= before {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines 10s after Close, want at most %d as before:\n%s", n, before, buf)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
