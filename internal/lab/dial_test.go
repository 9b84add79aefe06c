package lab

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"testing"
	"time"
)

func TestDialAddresses(t *testing.T) {
	l := newTestLab(t, Config{})
	ln := echoServer(t, l)
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)

	var (
		unknownNetwork net.UnknownNetworkError
		dnsErr         *net.DNSError
		addrErr        *net.AddrError
	)
	tests := []struct {
		desc, network, address string
		wantErr                any // nil, or a pointer to the error type errors.As must find
	}{
		{"server by address", "tcp", "192.0.2.2:" + port, nil},
		{"server by name", "tcp", "server.test:" + port, nil},
		{"name in capitals with a root dot", "tcp4", "SERVER.TEST.:" + port, nil},
		{"IPv6 network", "tcp6", "server.test:" + port, &unknownNetwork},
		{"raw IP network", "ip", "server.test:" + port, &unknownNetwork},
		{"unknown name", "tcp", "nowhere.test:" + port, &dnsErr},
		{"address outside the lab", "tcp", "192.0.2.9:" + port, &addrErr},
		{"service name as port", "tcp", "server.test:http", &addrErr},
		{"port 0", "tcp", "server.test:0", &addrErr},
	}
	for _, tt := range tests {
		ctx := testContext(t, 10*time.Second)
		c, err := l.Client().Dial(ctx, tt.network, tt.address)
		if tt.wantErr == nil {
			if err != nil {
				t.Errorf("%s: Dial(%q, %q) = %v, want a connection", tt.desc, tt.network, tt.address, err)
				continue
			}
			c.Close()
			continue
		}
		if err == nil {
			c.Close()
			t.Errorf("%s: Dial(%q, %q) succeeded, want an error", tt.desc, tt.network, tt.address)
			continue
		}
		if !errors.As(err, tt.wantErr) {
			t.Errorf("%s: Dial(%q, %q) = %v (%T), want it to wrap %T", tt.desc, tt.network, tt.address, err, err, tt.wantErr)
		}
	}
}

func TestListenAddresses(t *testing.T) {
	l := newTestLab(t, Config{})
	tests := []struct {
		desc, network, address string
		wantHost               string // "" when Listen must fail
	}{
		{"any address, any port", "tcp", ":0", "192.0.2.2"},
		{"own name", "tcp", "server.test:0", "192.0.2.2"},
		{"own address", "tcp4", "192.0.2.2:0", "192.0.2.2"},
		{"unspecified address", "tcp", "0.0.0.0:0", "192.0.2.2"},
		{"loopback, as code written for the kernel uses", "tcp", "127.0.0.1:0", "192.0.2.2"},
		{"localhost", "tcp", "localhost:0", "192.0.2.2"},
		{"the other host's name", "tcp", "client.test:0", ""},
		{"the other host's address", "tcp", "192.0.2.1:0", ""},
		{"UDP on Listen", "udp", ":0", ""},
	}
	for _, tt := range tests {
		ln, err := l.Server().Listen(context.Background(), tt.network, tt.address)
		if tt.wantHost == "" {
			if err == nil {
				ln.Close()
				t.Errorf("%s: Listen(%q, %q) succeeded, want an error", tt.desc, tt.network, tt.address)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: Listen(%q, %q) = %v, want a listener", tt.desc, tt.network, tt.address, err)
			continue
		}
		a := ln.Addr().(*net.TCPAddr)
		if a.IP.String() != tt.wantHost || a.Port == 0 {
			t.Errorf("%s: Listen(%q, %q).Addr() = %v, want %s and a port picked", tt.desc, tt.network, tt.address, a, tt.wantHost)
		}
		ln.Close()
	}
}

func TestUDP(t *testing.T) {
	l := newTestLab(t, Config{})
	ctx := testContext(t, 10*time.Second)
	pc, err := l.Server().ListenPacket(ctx, "udp", "server.test:0")
	if err != nil {
		t.Fatalf("ListenPacket: %v", err)
	}
	defer pc.Close()
	c, err := l.Client().Dial(ctx, "udp", pc.LocalAddr().String())
	if err != nil {
		t.Fatalf("Dial udp: %v", err)
	}
	defer c.Close()

	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatalf("Write: %v", err)
	}
	buf := make([]byte, 100)
	pc.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, from, err := pc.ReadFrom(buf)
	if err != nil || string(buf[:n]) != "ping" {
		t.Fatalf("ReadFrom = %q, %v, want \"ping\"", buf[:n], err)
	}
	ua, ok := from.(*net.UDPAddr)
	if !ok || !ua.IP.Equal(net.IPv4(192, 0, 2, 1)) {
		t.Fatalf("ReadFrom address = %v (%T), want a *net.UDPAddr at 192.0.2.1", from, from)
	}
	// Reply to the 16-byte form of the address, as net.ParseIP returns it.
	to := &net.UDPAddr{IP: net.ParseIP("192.0.2.1"), Port: ua.Port}
	if _, err := pc.WriteTo([]byte("pong"), to); err != nil {
		t.Fatalf("WriteTo(%v): %v", to, err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err = c.Read(buf)
	if err != nil || string(buf[:n]) != "pong" {
		t.Fatalf("Read = %q, %v, want \"pong\"", buf[:n], err)
	}

	// A read deadline (quic-go relies on it) times out.
	pc.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	_, _, err = pc.ReadFrom(buf)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("ReadFrom past the deadline = %v, want a timeout", err)
	}
}

func TestTCPEcho(t *testing.T) {
	l := newTestLab(t, Config{Link: Link{RTT: 2 * time.Millisecond}})
	ln := echoServer(t, l)
	ctx := testContext(t, 10*time.Second)
	c, err := l.Client().Dial(ctx, "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer c.Close()
	if got, want := c.RemoteAddr().String(), ln.Addr().String(); got != want {
		t.Errorf("RemoteAddr = %s, want %s", got, want)
	}
	msg := []byte("hello, lab")
	if _, err := c.Write(msg); err != nil {
		t.Fatalf("Write: %v", err)
	}
	buf := make([]byte, len(msg))
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != string(msg) {
		t.Fatalf("echo = %q, %v, want %q", buf, err, msg)
	}
}

func TestDialRefused(t *testing.T) {
	l := newTestLab(t, Config{})
	ctx := testContext(t, 10*time.Second)
	if c, err := l.Client().Dial(ctx, "tcp", "server.test:9"); err == nil {
		c.Close()
		t.Fatal("Dial to a port nobody listens on succeeded, want connection refused")
	}
}

func TestDialContext(t *testing.T) {
	l := newTestLab(t, Config{})
	l.SetRule(func(Frame) Verdict { return Drop }) // SYNs vanish: the handshake hangs
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	c, err := l.Client().Dial(ctx, "tcp", "server.test:80")
	if err == nil {
		c.Close()
		t.Fatal("Dial over a link that drops everything succeeded")
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Dial = %v, want it to wrap context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Dial returned %v after its context expired, want promptly", d)
	}

	cancelled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := l.Client().Dial(cancelled, "tcp", "server.test:80"); !errors.Is(err, context.Canceled) {
		t.Errorf("Dial with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestNewRejectsBadLink(t *testing.T) {
	for _, k := range []Link{
		{Loss: 1.5},
		{Reorder: -0.1},
		{RTT: -time.Millisecond},
		{RateBPS: -1},
		{MTU: 100},
		{MTU: 70000},
	} {
		if l, err := New(Config{Link: k}); err == nil {
			l.Close()
			t.Errorf("New(%+v) succeeded, want an error", k)
		}
	}
}
