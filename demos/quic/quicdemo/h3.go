package quicdemo

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/quic-go/http3"

	"github.com/netdemo/netdemo/internal/netx"
)

// h3Server is an HTTP/3 server on one UDP socket: quic-go's Transport owns
// the socket, its listener accepts QUIC connections (early, so that 0-RTT
// requests reach the handler before the handshake ends), and http3.Server
// turns their streams into requests.
type h3Server struct {
	srv   *http3.Server
	tr    *quic.Transport
	ln    *quic.EarlyListener
	port  uint16
	conns atomic.Int64 // QUIC connections accepted so far
	done  chan struct{}
}

// startH3 listens on UDP addr of n and serves h there until Close.
func startH3(ctx context.Context, n interface {
	ListenPacket(ctx context.Context, network, address string) (net.PacketConn, error)
}, addr string, tlsConf *tls.Config, h http.Handler) (*h3Server, error) {
	pc, err := n.ListenPacket(ctx, "udp", addr)
	if err != nil {
		return nil, fmt.Errorf("opening UDP %s for HTTP/3: %w", addr, err)
	}
	return serveH3(pc, tlsConf, h)
}

// serveH3 serves h on pc, which it owns from now on.
func serveH3(pc net.PacketConn, tlsConf *tls.Config, h http.Handler) (*h3Server, error) {
	s := &h3Server{tr: &quic.Transport{Conn: quiet(pc)}, port: netx.Port(pc.LocalAddr()), done: make(chan struct{})}
	// Allow0RTT: accept early data from clients holding a session ticket.
	// quic-go (like crypto/tls) keeps no record of used tickets, so a
	// replayed first flight is accepted too; see replay.go.
	var err error
	s.ln, err = s.tr.ListenEarly(http3.ConfigureTLSConfig(tlsConf), &quic.Config{Allow0RTT: true})
	if err != nil {
		s.tr.Close()
		pc.Close()
		return nil, fmt.Errorf("starting the QUIC listener: %w", err)
	}
	s.srv = &http3.Server{
		Handler: h,
		ConnContext: func(ctx context.Context, c *quic.Conn) context.Context {
			s.conns.Add(1)
			return context.WithValue(ctx, connKey{}, c)
		},
	}
	go func() {
		defer close(s.done)
		s.srv.ServeListener(s.ln)
	}()
	return s, nil
}

// Close stops serving and frees the socket.
func (s *h3Server) Close() error {
	err := s.srv.Close()
	s.ln.Close()
	<-s.done
	s.tr.Close()
	return err
}

// h3Client is an HTTP/3 client with its own UDP socket: every client is a
// fresh connection, so measurements never share one. Its Dial hook puts
// quic-go on the bed's network instead of a kernel socket.
type h3Client struct {
	rt   *http3.Transport
	tr   *quic.Transport
	port uint16 // the client's UDP port, to find its datagrams on the wire

	mu    sync.Mutex
	conns []*quic.Conn
}

// newH3Client opens a UDP socket on b's client side. tlsConf may carry a
// ClientSessionCache: then a second client with the same config resumes,
// and sends 0-RTT requests (http3.MethodGet0RTT) in its first flight.
func newH3Client(ctx context.Context, b bed, serverPort uint16, tlsConf *tls.Config) (*h3Client, error) {
	pc, err := b.client.ListenPacket(ctx, "udp", net.JoinHostPort(b.listenHost, "0"))
	if err != nil {
		return nil, fmt.Errorf("opening the client's UDP socket: %w", err)
	}
	c := &h3Client{tr: &quic.Transport{Conn: quiet(pc)}, port: netx.Port(pc.LocalAddr())}
	server := net.UDPAddrFromAddrPort(netip.AddrPortFrom(b.serverIP, serverPort))
	c.rt = &http3.Transport{
		TLSClientConfig: tlsConf,
		Dial: func(ctx context.Context, _ string, tc *tls.Config, qc *quic.Config) (*quic.Conn, error) {
			// DialEarly returns before the handshake ends, so that a
			// resumed connection can carry a request in 0-RTT packets.
			conn, err := c.tr.DialEarly(ctx, server, tc, qc)
			if err != nil {
				return nil, fmt.Errorf("QUIC handshake with %s: %w", server, err)
			}
			c.mu.Lock()
			c.conns = append(c.conns, conn)
			c.mu.Unlock()
			return conn, nil
		},
	}
	return c, nil
}

// Conns are the QUIC connections this client dialed.
func (c *h3Client) Conns() []*quic.Conn {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*quic.Conn(nil), c.conns...)
}

// Close closes the connections and the socket.
func (c *h3Client) Close() error {
	err := c.rt.Close()
	c.tr.Close()
	return err
}

// h3URL is the URL of path on the HTTP/3 server.
func h3URL(port uint16, path string) string {
	return fmt.Sprintf("https://%s:%d%s", serverName, port, path)
}
