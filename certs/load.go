package certs

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Load reads a PKI that [PKI.Write] put in dir, so that a root a user
// already imported into a browser or passed to curl keeps working across
// runs. The CA keys are never written, so RootKey and IntermediateKey are
// nil: a loaded PKI can serve, not issue. Load fails unless the chain
// verifies for every name in [LeafNames] at time at.
func Load(dir string, at time.Time) (*PKI, error) {
	p := &PKI{}
	var err error
	for _, f := range []struct {
		name string
		dst  **x509.Certificate
	}{{RootFile, &p.Root}, {IntermediateFile, &p.Intermediate}, {LeafFile, &p.Leaf}} {
		if *f.dst, err = readCert(filepath.Join(dir, f.name)); err != nil {
			return nil, err
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, LeafKeyFile))
	if err != nil {
		return nil, fmt.Errorf("reading the leaf key: %w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("%s: no PKCS#8 PEM key", LeafKeyFile)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", LeafKeyFile, err)
	}
	var ok bool
	if p.LeafKey, ok = k.(*ecdsa.PrivateKey); !ok || !p.LeafKey.PublicKey.Equal(p.Leaf.PublicKey) {
		return nil, fmt.Errorf("%s is not the key of %s", LeafKeyFile, LeafFile)
	}
	inter := x509.NewCertPool()
	inter.AddCert(p.Intermediate)
	for _, name := range LeafNames {
		if _, err := p.Leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: p.RootPool(), Intermediates: inter, CurrentTime: at}); err != nil {
			return nil, fmt.Errorf("the chain in %s does not verify for %s: %w", dir, name, err)
		}
	}
	return p, nil
}

func readCert(path string) (*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("%s: no PEM certificate", path)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}
