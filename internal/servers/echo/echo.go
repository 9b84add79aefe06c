// Package echo is a TCP and a UDP echo server (RFC 862) on the same port
// number: whatever a client sends comes straight back.
//
// Typical usage:
//
//	s, err := echo.Listen(ctx, netx.Loopback, "127.0.0.1:9000", echo.Config{})
//	if err != nil { ... }
//	defer s.Close()
//	// nc 127.0.0.1 9000      (TCP)
//	// nc -u 127.0.0.1 9000   (UDP)
//
// The two servers are deliberately the simplest possible, because their
// difference is the lesson: the TCP server accepts a connection and then
// copies a byte stream back, never knowing where one of the client's writes
// ended and the next began; the UDP server has no connections at all, it
// answers each datagram on its own, to whatever address it came from.
//
// Close stops both and waits for every goroutine they started, so a test can
// check that nothing is left behind.
package echo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/netdemo/netdemo/internal/netx"
)

// MaxDatagram is the size of the UDP server's receive buffer: 65,535 bytes,
// the largest value the 16-bit UDP length field can hold, so that no
// datagram is ever truncated on the way in (RFC 768).
const MaxDatagram = 65535

// Config holds the optional knobs of a Server.
type Config struct {
	// Logf, when set, is told about each TCP connection and each UDP
	// datagram, for people watching --serve.
	Logf func(format string, args ...any)
}

// Server is a running pair of echo servers.
type Server struct {
	tcp  net.Listener
	udp  net.PacketConn
	logf func(format string, args ...any)

	mu     sync.Mutex
	conns  map[net.Conn]struct{} // open TCP connections, closed by Close
	closed bool
	wg     sync.WaitGroup

	stats struct {
		tcpConns, tcpBytes, udpDatagrams, udpBytes, udpErrors atomic.Int64
	}
	closeOnce sync.Once
}

// Stats counts what a Server has echoed so far.
type Stats struct {
	TCPConns     int64 // connections accepted
	TCPBytes     int64 // bytes written back on TCP connections
	UDPDatagrams int64 // datagrams echoed
	UDPBytes     int64 // bytes in those datagrams
	UDPErrors    int64 // read or write errors the UDP server survived
}

// AddrInUseError says that the address is taken by another socket.
type AddrInUseError struct {
	Network string // "tcp" or "udp"
	Addr    string
	Err     error
}

func (e *AddrInUseError) Error() string {
	return fmt.Sprintf("%s %s is already in use", e.Network, e.Addr)
}

func (e *AddrInUseError) Unwrap() error { return e.Err }

// Listen starts the TCP and the UDP echo server on addr. With port 0 both
// get the same free port number, so that one number serves both protocols,
// as the well-known echo port 7 does.
func Listen(ctx context.Context, n netx.Network, addr string, cfg Config) (*Server, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("echo address %q: %w", addr, err)
	}
	tries := 1
	if port == "0" {
		// The free TCP port the kernel picks may be taken for UDP; try a
		// few others.
		tries = 20
	}
	for i := 0; ; i++ {
		s, err := listenPair(ctx, n, host, port)
		var inUse *AddrInUseError
		if err == nil || i+1 >= tries || !errors.As(err, &inUse) || inUse.Network != "udp" {
			if s != nil {
				s.start(cfg)
			}
			return s, err
		}
	}
}

func listenPair(ctx context.Context, n netx.Network, host, port string) (*Server, error) {
	ln, err := n.Listen(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, listenError("tcp", net.JoinHostPort(host, port), err)
	}
	// The UDP server takes the port number the TCP listener got.
	_, tport, err := net.SplitHostPort(ln.Addr().String())
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("reading the TCP listener's port: %w", err)
	}
	if _, err := strconv.Atoi(tport); err != nil {
		ln.Close()
		return nil, fmt.Errorf("TCP listener port %q: %w", tport, err)
	}
	udpAddr := net.JoinHostPort(host, tport)
	pc, err := n.ListenPacket(ctx, "udp", udpAddr)
	if err != nil {
		ln.Close()
		return nil, listenError("udp", udpAddr, err)
	}
	return &Server{tcp: ln, udp: pc, conns: map[net.Conn]struct{}{}}, nil
}

func listenError(network, addr string, err error) error {
	if IsAddrInUse(err) {
		return &AddrInUseError{Network: network, Addr: addr, Err: err}
	}
	return fmt.Errorf("listening on %s %s: %w", network, addr, err)
}

// IsAddrInUse reports whether err says an address is taken: EADDRINUSE on
// Unix, WSAEADDRINUSE (10048) on Windows, "port is in use" on the lab.
func IsAddrInUse(err error) bool {
	return errors.Is(err, syscall.EADDRINUSE) || errors.Is(err, syscall.Errno(10048)) ||
		strings.Contains(strings.ToLower(fmt.Sprint(err)), "in use")
}

func (s *Server) start(cfg Config) {
	s.logf = cfg.Logf
	if s.logf == nil {
		s.logf = func(string, ...any) {}
	}
	s.wg.Add(2)
	go s.acceptLoop()
	go s.udpLoop()
}

// TCPAddr is the address of the TCP server.
func (s *Server) TCPAddr() net.Addr { return s.tcp.Addr() }

// UDPAddr is the address of the UDP server (the same port number).
func (s *Server) UDPAddr() net.Addr { return s.udp.LocalAddr() }

// Stats returns the counts so far.
func (s *Server) Stats() Stats {
	return Stats{
		TCPConns:     s.stats.tcpConns.Load(),
		TCPBytes:     s.stats.tcpBytes.Load(),
		UDPDatagrams: s.stats.udpDatagrams.Load(),
		UDPBytes:     s.stats.udpBytes.Load(),
		UDPErrors:    s.stats.udpErrors.Load(),
	}
}

// Close stops both servers, closes every open connection and waits until
// all their goroutines have returned. It is safe to call more than once.
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		for c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		err = errors.Join(s.tcp.Close(), s.udp.Close())
		s.wg.Wait()
	})
	return err
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}
