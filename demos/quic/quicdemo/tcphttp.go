package quicdemo

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/netdemo/netdemo/internal/netx"
)

// tcpServer is net/http on a TCP listener of the bed's server side: plain
// HTTP/1.1, or HTTPS offering h2 and http/1.1 by ALPN.
type tcpServer struct {
	srv   *http.Server
	ln    net.Listener
	port  uint16
	conns atomic.Int64 // TCP connections accepted so far
	done  chan struct{}
}

// startTCP serves h on a TCP port of b's server side; with tlsConf set it
// speaks TLS and offers HTTP/2 (h2) before HTTP/1.1.
func startTCP(ctx context.Context, b bed, tlsConf *tls.Config, h http.Handler) (*tcpServer, error) {
	ln, err := b.server.Listen(ctx, "tcp", net.JoinHostPort(b.listenHost, "0"))
	if err != nil {
		return nil, fmt.Errorf("listening on TCP: %w", err)
	}
	return serveTCP(ln, tlsConf, h), nil
}

func serveTCP(ln net.Listener, tlsConf *tls.Config, h http.Handler) *tcpServer {
	s := &tcpServer{ln: ln, port: netx.Port(ln.Addr()), done: make(chan struct{})}
	s.srv = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ConnState: func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				s.conns.Add(1)
			}
		},
		ErrorLog: discardLog,
	}
	if tlsConf != nil {
		tlsConf = tlsConf.Clone()
		tlsConf.NextProtos = []string{"h2", "http/1.1"}
		s.srv.TLSConfig = tlsConf
	}
	go func() {
		defer close(s.done)
		var err error
		if tlsConf != nil {
			err = s.srv.ServeTLS(ln, "", "")
		} else {
			err = s.srv.Serve(ln)
		}
		_ = err // http.ErrServerClosed after Close; nothing else to report
	}()
	return s
}

// Close stops the server and waits for it.
func (s *tcpServer) Close() error {
	err := s.srv.Close()
	<-s.done
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// tcpClient builds a net/http client that reaches the server through the
// bed's client side and never reuses a connection across clients. version
// pins TLS (tls.VersionTLS12 or 13) and h2 turns on HTTP/2; tlsConf nil
// means plain HTTP/1.1.
func tcpClient(b bed, port uint16, tlsConf *tls.Config, version uint16, h2 bool) *http.Transport {
	t := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return b.dialTCP(ctx, port)
		},
		ForceAttemptHTTP2: h2,
		// One client is one measurement: close its connection with it.
		DisableKeepAlives:  !h2,
		DisableCompression: true,
	}
	if tlsConf != nil {
		c := tlsConf.Clone()
		if version != 0 {
			c.MinVersion, c.MaxVersion = version, version
		}
		// No ClientSessionCache: every handshake is a full one.
		c.ClientSessionCache = nil
		if h2 {
			c.NextProtos = []string{"h2"}
		} else {
			c.NextProtos = []string{"http/1.1"}
			// A non-nil empty map is net/http's documented way to say
			// "no HTTP/2 on this transport".
			t.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
		}
		t.TLSClientConfig = c
	}
	return t
}

// tcpURL is the URL of path on a TCP server.
func tcpURL(tls bool, port uint16, path string) string {
	scheme := "http"
	if tls {
		scheme = "https"
	}
	return fmt.Sprintf("%s://%s:%d%s", scheme, serverName, port, path)
}
