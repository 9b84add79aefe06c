package tlsdemo

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/netdemo/netdemo/certs"
	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/servers"
)

// mitm is a man-in-the-middle proxy on loopback: it terminates the
// victim's TLS with a certificate of the attacker's choosing, opens its own
// TLS connection to the real server, and relays, reading everything in
// between. Whether it works depends only on whether the victim accepts its
// certificate.
type mitm struct {
	ln       net.Listener
	cert     tls.Certificate
	upstream string
	upCfg    *tls.Config
	errs     chan error
	stop     func() // closes ln and waits for the relays

	mu   sync.Mutex
	read bytes.Buffer // plaintext the victim sent, as the attacker read it
}

func startMITM(ctx context.Context, cert tls.Certificate, upstream string, upCfg *tls.Config) (*mitm, error) {
	ln, err := netxLoopback.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("attacker proxy: %w", err)
	}
	m := &mitm{ln: ln, cert: cert, upstream: upstream, upCfg: upCfg, errs: make(chan error, 4)}
	m.stop = servers.Accept(ln, func(c net.Conn) { m.handle(ctx, c) })
	return m, nil
}

func (m *mitm) Addr() string { return m.ln.Addr().String() }
func (m *mitm) Close()       { m.stop() }

func (m *mitm) handle(ctx context.Context, c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(15 * time.Second))
	victim := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{m.cert}, NextProtos: []string{"http/1.1"}})
	if err := victim.HandshakeContext(ctx); err != nil {
		m.report(err)
		return
	}
	raw, err := netxLoopback.Dial(ctx, "tcp", m.upstream)
	if err != nil {
		m.report(err)
		return
	}
	up := tls.Client(raw, m.upCfg)
	defer up.Close()
	done := make(chan struct{})
	go func() {
		io.Copy(victim, up)
		victim.Close()
		close(done)
	}()
	io.Copy(up, io.TeeReader(victim, m))
	up.Close()
	<-done
}

func (m *mitm) Write(b []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.read.Write(b)
}

// Seen returns the plaintext the attacker has read so far.
func (m *mitm) Seen() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.read.String()
}

func (m *mitm) report(err error) {
	select {
	case m.errs <- err:
	default:
	}
}

// proxyError waits briefly for the proxy's side of a failed handshake.
func (m *mitm) proxyError() string {
	select {
	case err := <-m.errs:
		return err.Error()
	case <-time.After(2 * time.Second):
		return ""
	}
}

// attacker holds the certificates an attacker can make without any CA's
// help, and the one it got legitimately for its own name.
type attacker struct {
	root       *x509.Certificate // "Evil Root CA": nobody trusts it, unless tricked
	forged     tls.Certificate   // leaf for localhost, signed by the evil root
	selfSigned tls.Certificate   // leaf for localhost, signed by itself
	ownName    tls.Certificate   // a real leaf from the demo CA, but for server.test only
}

func newAttacker(p *certs.PKI, now time.Time) (*attacker, error) {
	a := &attacker{}
	key := func() (*ecdsa.PrivateKey, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }
	rootKey, err := key()
	if err != nil {
		return nil, err
	}
	rootTmpl := &x509.Certificate{
		Subject:   pkix.Name{CommonName: "Evil Root CA", Organization: []string{"attacker"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
	}
	a.root, err = certs.Sign(rootTmpl, rootTmpl, &rootKey.PublicKey, rootKey)
	if err != nil {
		return nil, fmt.Errorf("attacker root: %w", err)
	}
	leafTmpl := func(names ...string) *x509.Certificate {
		return &x509.Certificate{
			Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}
	}
	issue := func(tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, chain ...[]byte) (tls.Certificate, error) {
		k, err := key()
		if err != nil {
			return tls.Certificate{}, err
		}
		if parent == nil {
			parent, parentKey = tmpl, k
		}
		c, err := certs.Sign(tmpl, parent, &k.PublicKey, parentKey)
		if err != nil {
			return tls.Certificate{}, err
		}
		return tls.Certificate{Certificate: append([][]byte{c.Raw}, chain...), PrivateKey: k, Leaf: c}, nil
	}
	if a.forged, err = issue(leafTmpl("localhost"), a.root, rootKey); err != nil {
		return nil, fmt.Errorf("forged leaf: %w", err)
	}
	if a.selfSigned, err = issue(leafTmpl("localhost"), nil, nil); err != nil {
		return nil, fmt.Errorf("self-signed leaf: %w", err)
	}
	if a.ownName, err = issue(leafTmpl(lab.ServerName), p.Intermediate, p.IntermediateKey, p.Intermediate.Raw); err != nil {
		return nil, fmt.Errorf("attacker's own leaf: %w", err)
	}
	return a, nil
}
