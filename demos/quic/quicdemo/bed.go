package quicdemo

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/netip"

	"github.com/netdemo/netdemo/certs"
	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/netx"
)

// bed is the network one experiment runs on: the client's and the server's
// side of it, and the address the server is reached at. The same code runs
// on the kernel's loopback (tests, --serve) and on the lab (the run), where
// the two sides are separate TCP/IP stacks joined by a link with a real RTT.
type bed struct {
	client, server netx.Network
	serverIP       netip.Addr
	// listenHost is the host part servers listen on.
	listenHost string
}

// labBed is a lab: client.test dials server.test across the link.
func labBed(l *lab.Lab) bed {
	return bed{client: l.Client(), server: l.Server(), serverIP: lab.ServerAddr, listenHost: ""}
}

// serverName is the TLS name clients verify; the demo leaf covers it on
// loopback too, so every experiment checks the certificate the same way.
const serverName = lab.ServerName

// dialTCP connects the client side to the server's port, whatever host name
// the caller had in its URL: the bed decides where the server is.
func (b bed) dialTCP(ctx context.Context, port uint16) (net.Conn, error) {
	c, err := b.client.Dial(ctx, "tcp", netip.AddrPortFrom(b.serverIP, port).String())
	if err != nil {
		return nil, fmt.Errorf("dialing %s port %d: %w", serverName, port, err)
	}
	return c, nil
}

// tlsConfigs returns the demo chain's server config and a client config
// that trusts only the demo root, both fresh copies the caller may change.
func tlsConfigs() (server, client *tls.Config, err error) {
	p, err := certs.Demo()
	if err != nil {
		return nil, nil, fmt.Errorf("making the demo certificates: %w", err)
	}
	return p.ServerConfig(), p.ClientConfig(serverName), nil
}
