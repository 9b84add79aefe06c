package httptcp

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"github.com/netdemo/netdemo/certs"
	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/netx"
)

// testbed is the demo's world: a client network, the servers, and (on the
// lab) a tap on the wire between them.
type testbed struct {
	client netx.Network
	wire   *wire // nil on kernel loopback: no tap there
	pki    *certs.PKI

	plain  *server // HTTP/1.1 and h2c, e.g. server.test:80
	secure *server // HTTPS with ALPN h2 / http/1.1, e.g. server.test:443

	plainAddr, secureAddr string // what clients dial
	plainURL, secureURL   string // what clients ask for: "http://server.test"

	// timeout bounds one exchange: generous, and longer on a slow link so
	// that --rtt 5s still works.
	timeout time.Duration
}

// serverName is the name in the certificate and in Host / :authority.
const serverName = lab.ServerName

// newLabTestbed puts the servers on the lab's server host, ports 80 and 443.
func newLabTestbed(ctx context.Context, l *lab.Lab) (*testbed, error) {
	tb, err := newTestbed(ctx, l.Client(), l.Server(), ":80", ":443")
	if err != nil {
		return nil, err
	}
	tb.wire = watchWire(l)
	tb.timeout = time.Minute + 40*l.Link().RTT
	tb.plainAddr, tb.secureAddr = serverName+":80", serverName+":443"
	tb.plainURL, tb.secureURL = "http://"+serverName, "https://"+serverName
	return tb, nil
}

// newTestbed listens on srvNet at the two addresses and starts serving.
// Clients dial from cliNet; plainAddr and secureAddr are the listeners'
// addresses until the caller renames them.
func newTestbed(ctx context.Context, cliNet, srvNet netx.Network, plain, secure string) (*testbed, error) {
	p, err := certs.Demo()
	if err != nil {
		return nil, fmt.Errorf("making the demo certificates: %w", err)
	}
	tb := &testbed{client: cliNet, pki: p, timeout: 30 * time.Second}
	ln1, err := srvNet.Listen(ctx, "tcp", plain)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", plain, err)
	}
	ln2, err := srvNet.Listen(ctx, "tcp", secure)
	if err != nil {
		ln1.Close()
		return nil, fmt.Errorf("listening on %s: %w", secure, err)
	}
	tb.plain = newRecordingServer(ln1, nil)
	tb.secure = newRecordingServer(ln2, tb.serverTLS())
	tb.plainAddr, tb.secureAddr = ln1.Addr().String(), ln2.Addr().String()
	tb.plainURL, tb.secureURL = "http://"+tb.plainAddr, "https://"+tb.secureAddr
	tb.plain.start()
	tb.secure.start()
	return tb, nil
}

// serverTLS offers h2 first, then http/1.1, as real servers do (RFC 9113 §3.2).
func (tb *testbed) serverTLS() *tls.Config {
	c := tb.pki.ServerConfig()
	c.NextProtos = []string{"h2", "http/1.1"}
	return c
}

func (tb *testbed) clientTLS() *tls.Config {
	return tb.pki.ClientConfig(serverName)
}

func (tb *testbed) close() {
	tb.plain.close()
	tb.secure.close()
}

// dialer returns a DialContext for http.Transport that dials on the
// testbed's client network and counts its dials.
func (tb *testbed) dialer(count *atomic.Int64) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := tb.client.Dial(ctx, network, addr)
		if err == nil {
			count.Add(1)
		}
		return c, err
	}
}
