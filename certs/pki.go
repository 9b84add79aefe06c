package certs

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/netdemo/netdemo/internal/lab/names"
)

// LeafNames are the DNS names the leaf is valid for: the loopback name and
// the lab server's name (RFC 6761 reserves .test).
var LeafNames = []string{"localhost", names.ServerName}

// LeafIPs the leaf is valid for (the lab server is names.ServerAddr).
var LeafIPs = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback, net.IP(names.ServerAddr.AsSlice())}

// PermittedDNSDomains and PermittedIPRanges are the root's Name Constraints
// (RFC 5280 §4.2.1.10). A verifier refuses any certificate below the root
// that names anything else, so trusting this root lets nobody who steals
// its key impersonate a real site: it can only vouch for this machine's
// loopback names and the lab server.
var (
	PermittedDNSDomains = []string{"localhost", names.ServerName}
	PermittedIPRanges   = []netip.Prefix{
		netip.MustParsePrefix("127.0.0.1/32"),
		netip.MustParsePrefix("::1/128"),
		netip.PrefixFrom(names.ServerAddr, 32),
	}
)

// Lifetimes of the three certificates. The leaf is short-lived like a
// public leaf (CA/Browser Forum limits are heading to 47 days); the CAs
// outlive it, as real ones do.
const (
	RootLifetime         = 10 * 365 * 24 * time.Hour
	IntermediateLifetime = 5 * 365 * 24 * time.Hour
	LeafLifetime         = 90 * 24 * time.Hour
)

// PKI is a three-level chain with its keys.
type PKI struct {
	Root, Intermediate, Leaf          *x509.Certificate
	RootKey, IntermediateKey, LeafKey *ecdsa.PrivateKey
}

var (
	once   sync.Once
	shared *PKI
	errPKI error
)

// Demo returns the process-wide demo PKI, generating it on first use.
func Demo() (*PKI, error) {
	once.Do(func() { shared, errPKI = Generate(time.Now()) })
	return shared, errPKI
}

// Generate makes a fresh chain valid from now-1h (the hour covers clocks
// that run a little behind): ECDSA P-256 keys, a root that may sign only for
// [PermittedDNSDomains] and [PermittedIPRanges], an intermediate that may
// sign only leaves (path length 0), and a server-auth leaf for [LeafNames]
// and [LeafIPs].
func Generate(now time.Time) (*PKI, error) {
	p := &PKI{}
	var err error
	if p.RootKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return nil, fmt.Errorf("root key: %w", err)
	}
	if p.IntermediateKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return nil, fmt.Errorf("intermediate key: %w", err)
	}
	if p.LeafKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return nil, fmt.Errorf("leaf key: %w", err)
	}
	root := &x509.Certificate{
		Subject:               pkix.Name{CommonName: "netdemo Root CA", Organization: []string{"netdemo"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(RootLifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            1,

		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         PermittedDNSDomains,
		PermittedIPRanges:           ipNets(PermittedIPRanges),
	}
	if p.Root, err = sign(root, root, &p.RootKey.PublicKey, p.RootKey); err != nil {
		return nil, fmt.Errorf("root: %w", err)
	}
	inter := &x509.Certificate{
		Subject:               pkix.Name{CommonName: "netdemo Intermediate CA", Organization: []string{"netdemo"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(IntermediateLifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            0,
		MaxPathLenZero:        true,
	}
	if p.Intermediate, err = sign(inter, p.Root, &p.IntermediateKey.PublicKey, p.RootKey); err != nil {
		return nil, fmt.Errorf("intermediate: %w", err)
	}
	leaf := &x509.Certificate{
		Subject:     pkix.Name{CommonName: "localhost"},
		DNSNames:    LeafNames,
		IPAddresses: LeafIPs,
		NotBefore:   now.Add(-time.Hour),
		NotAfter:    now.Add(LeafLifetime),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if p.Leaf, err = sign(leaf, p.Intermediate, &p.LeafKey.PublicKey, p.IntermediateKey); err != nil {
		return nil, fmt.Errorf("leaf: %w", err)
	}
	return p, nil
}

func ipNets(ps []netip.Prefix) []*net.IPNet {
	out := make([]*net.IPNet, len(ps))
	for i, p := range ps {
		out[i] = &net.IPNet{IP: net.IP(p.Addr().AsSlice()), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
	}
	return out
}

// Sign issues a certificate from tmpl, signed by parent's key (tmpl ==
// parent makes it self-signed). It fills in a random 128-bit serial number.
// The TLS demo uses it for the certificates an attacker would make.
func Sign(tmpl, parent *x509.Certificate, pub *ecdsa.PublicKey, key *ecdsa.PrivateKey) (*x509.Certificate, error) {
	return sign(tmpl, parent, pub, key)
}

func sign(tmpl, parent *x509.Certificate, pub *ecdsa.PublicKey, key *ecdsa.PrivateKey) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// ServerCertificate is the leaf with its intermediate, ready for
// tls.Config.Certificates.
func (p *PKI) ServerCertificate() tls.Certificate {
	return tls.Certificate{
		Certificate: [][]byte{p.Leaf.Raw, p.Intermediate.Raw},
		PrivateKey:  p.LeafKey,
		Leaf:        p.Leaf,
	}
}

// RootPool trusts only the demo root.
func (p *PKI) RootPool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(p.Root)
	return pool
}

// ServerConfig is a TLS server config with the demo chain.
func (p *PKI) ServerConfig() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{p.ServerCertificate()}, MinVersion: tls.VersionTLS12}
}

// ClientConfig is a TLS client config that trusts only the demo root.
func (p *PKI) ClientConfig(serverName string) *tls.Config {
	return &tls.Config{RootCAs: p.RootPool(), ServerName: serverName, MinVersion: tls.VersionTLS12}
}
