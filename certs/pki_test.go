package certs_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/netdemo/netdemo/certs"
)

func verify(p *certs.PKI, leaf *x509.Certificate, name string, at time.Time) error {
	inter := x509.NewCertPool()
	inter.AddCert(p.Intermediate)
	_, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: p.RootPool(), Intermediates: inter, CurrentTime: at})
	return err
}

func TestChainVerifiesForEveryName(t *testing.T) {
	p, err := certs.Demo()
	if err != nil {
		t.Fatal(err)
	}
	names := append([]string{}, certs.LeafNames...)
	for _, ip := range certs.LeafIPs {
		names = append(names, ip.String())
	}
	for _, n := range names {
		if err := verify(p, p.Leaf, n, time.Now()); err != nil {
			t.Errorf("leaf for %s: verify = %v, want nil", n, err)
		}
	}
	if !p.Root.PermittedDNSDomainsCritical || len(p.Root.PermittedDNSDomains) != 2 || len(p.Root.PermittedIPRanges) != 3 {
		t.Errorf("root name constraints = %v %v critical=%v, want the 2 names and 3 IP ranges, critical",
			p.Root.PermittedDNSDomains, p.Root.PermittedIPRanges, p.Root.PermittedDNSDomainsCritical)
	}
}

// A leaf for another site, signed by the intermediate (as if its key had
// leaked), must fail because of the root's name constraints.
func TestNameConstraintsStopOtherSites(t *testing.T) {
	p, err := certs.Generate(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		desc  string
		name  string
		ip    net.IP
		check string
	}{
		{"dns name outside", "example.com", nil, "example.com"},
		{"ip outside", "", net.IPv4(93, 184, 216, 34), "93.184.216.34"},
	} {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{
			Subject:     pkix.Name{CommonName: "evil"},
			NotBefore:   time.Now().Add(-time.Hour),
			NotAfter:    time.Now().Add(time.Hour),
			KeyUsage:    x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}
		if tc.name != "" {
			tmpl.DNSNames = []string{tc.name}
		}
		if tc.ip != nil {
			tmpl.IPAddresses = []net.IP{tc.ip}
		}
		leaf, err := certs.Sign(tmpl, p.Intermediate, &key.PublicKey, p.IntermediateKey)
		if err != nil {
			t.Fatal(err)
		}
		err = verify(p, leaf, tc.check, time.Now())
		if err == nil || !strings.Contains(err.Error(), "not permitted by any constraint") {
			t.Errorf("%s: verify = %v, want a name-constraints error", tc.desc, err)
		}
	}
}

func TestWriteFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	var out strings.Builder
	if err := certs.WriteFiles(dir, &out); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{certs.RootFile, certs.IntermediateFile, certs.LeafFile, certs.ChainFile, certs.LeafKeyFile} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s not written: %v", name, err)
		}
		if !strings.Contains(out.String(), name) {
			t.Errorf("output does not name %s:\n%s", name, out.String())
		}
		if runtime.GOOS != "windows" && name == certs.LeafKeyFile && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, want 0600", name, fi.Mode().Perm())
		}
	}
	chain, _ := os.ReadFile(filepath.Join(dir, certs.ChainFile))
	root, _ := os.ReadFile(filepath.Join(dir, certs.RootFile))
	if n := strings.Count(string(chain), "BEGIN CERTIFICATE"); n != 2 {
		t.Errorf("chain.pem holds %d certificates, want 2 (leaf, intermediate)", n)
	}
	key, _ := os.ReadFile(filepath.Join(dir, certs.LeafKeyFile))
	if b, _ := pem.Decode(key); b == nil || b.Type != "PRIVATE KEY" {
		t.Errorf("leaf-key.pem is not a PKCS#8 PEM key")
	}
	for _, want := range []string{"openssl s_client", "curl --cacert"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	// Writing again keeps the set (a root in a browser keeps working)...
	var again strings.Builder
	if err := certs.WriteFiles(dir, &again); err != nil {
		t.Fatalf("second write: %v", err)
	}
	root2, _ := os.ReadFile(filepath.Join(dir, certs.RootFile))
	if !bytes.Equal(root, root2) || !strings.Contains(again.String(), "kept") {
		t.Errorf("second WriteFiles replaced a valid set, want it kept:\n%s", again.String())
	}
	p, err := certs.Load(dir, time.Now())
	if err != nil || p.LeafKey == nil || p.RootKey != nil {
		t.Errorf("Load = %v (leaf key %v, root key %v), want the chain and leaf key, no CA key", err, p != nil && p.LeafKey != nil, p != nil && p.RootKey != nil)
	}
	// ...and a broken one is replaced.
	os.WriteFile(filepath.Join(dir, certs.LeafKeyFile), []byte("junk"), 0o600)
	if _, err := certs.Load(dir, time.Now()); err == nil {
		t.Errorf("Load accepted a junk key")
	}
	if err := certs.WriteFiles(dir, &strings.Builder{}); err != nil {
		t.Fatalf("rewrite: %v", err)
	}
	if _, err := certs.Load(dir, time.Now()); err != nil {
		t.Errorf("after rewriting a broken set, Load = %v", err)
	}

	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not on PATH: skipping the check that openssl accepts the chain and its name constraints")
	}
	cmd := exec.Command(openssl, "verify", "-CAfile", filepath.Join(dir, certs.RootFile),
		"-untrusted", filepath.Join(dir, certs.IntermediateFile), "-verify_hostname", "localhost", filepath.Join(dir, certs.LeafFile))
	if b, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(b), ": OK") {
		t.Errorf("openssl verify: %v\n%s", err, b)
	}
}
