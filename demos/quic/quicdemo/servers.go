package quicdemo

import (
	"context"
	"crypto/tls"
)

// servers are the demo's three servers on one bed, all serving the same
// site: HTTP/1.1 over TCP, HTTPS over TCP (TLS 1.2 or 1.3, h2 or
// http/1.1 by ALPN), and HTTP/3 over QUIC over UDP.
type servers struct {
	site  *site
	plain *tcpServer
	https *tcpServer
	h3    *h3Server
	// tlsClient trusts the demo root and names server.test.
	tlsClient *tls.Config
}

func startServers(ctx context.Context, b bed) (_ *servers, err error) {
	serverTLS, clientTLS, err := tlsConfigs()
	if err != nil {
		return nil, err
	}
	s := &servers{site: &site{}, tlsClient: clientTLS}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	h := s.site.handler()
	if s.plain, err = startTCP(ctx, b, nil, h); err != nil {
		return nil, err
	}
	if s.https, err = startTCP(ctx, b, serverTLS, h); err != nil {
		return nil, err
	}
	if s.h3, err = startH3(ctx, b.server, b.listenHost+":0", serverTLS, h); err != nil {
		return nil, err
	}
	return s, nil
}

// Close stops every server that started.
func (s *servers) Close() {
	if s.h3 != nil {
		s.h3.Close()
	}
	if s.https != nil {
		s.https.Close()
	}
	if s.plain != nil {
		s.plain.Close()
	}
}
