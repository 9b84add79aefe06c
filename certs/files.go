package certs

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// DefaultDir is where `netdemo certs` writes the PEM files; .gitignore
// keeps it out of the repository.
const DefaultDir = "certs/out"

// File names written by [WriteFiles].
const (
	RootFile         = "root.pem"         // the trust anchor: give this to openssl, curl, a browser
	IntermediateFile = "intermediate.pem" //
	LeafFile         = "leaf.pem"         //
	ChainFile        = "chain.pem"        // leaf then intermediate: what a server sends
	LeafKeyFile      = "leaf-key.pem"     // the server's private key (0600)
)

// WriteFiles writes the demo PKI into dir as PEM files: root.pem,
// intermediate.pem, leaf.pem, chain.pem (leaf + intermediate, as a server
// sends it) and leaf-key.pem (mode 0600; the CA keys are never written).
// A complete set already there that stays valid for a week is kept, so a
// root imported into a browser keeps working; delete dir for new keys.
// It then prints to w the paths and the commands to try the files with
// openssl and curl. An empty dir means [DefaultDir].
func WriteFiles(dir string, w io.Writer) error {
	if dir == "" {
		dir = DefaultDir
	}
	verb := "kept the demo PKI already in"
	if _, err := Load(dir, time.Now().Add(7*24*time.Hour)); err != nil {
		p, err := Demo()
		if err != nil {
			return fmt.Errorf("making the demo PKI: %w", err)
		}
		if _, err := p.Write(dir); err != nil {
			return err
		}
		verb = "wrote a new demo PKI to"
	}
	abs := func(name string) string {
		path := filepath.Join(dir, name)
		if a, err := filepath.Abs(path); err == nil {
			return a
		}
		return path
	}
	fmt.Fprintf(w, "%s %s (delete the folder to make new keys):\n", verb, dir)
	for _, name := range []string{RootFile, IntermediateFile, LeafFile, ChainFile, LeafKeyFile} {
		fmt.Fprintf(w, "  %-17s %s\n", name, abs(name))
	}
	fmt.Fprintf(w, `
The root is limited by Name Constraints to localhost, server.test, 127.0.0.1,
::1 and 192.0.2.2, so trusting it cannot expose any other site.

Look inside:
  openssl x509 -in %[1]s -noout -text
  openssl verify -CAfile %[1]s -untrusted %[2]s %[3]s

Serve them and connect (go run ./demos/tls --serve also uses them when run
from the repository's root):
  openssl s_server -accept 127.0.0.1:8443 -cert %[3]s -cert_chain %[2]s -key %[4]s -www
  openssl s_client -connect 127.0.0.1:8443 -CAfile %[1]s -verify_hostname localhost -verify_return_error
  curl --cacert %[1]s https://localhost:8443/
`, abs(RootFile), abs(IntermediateFile), abs(LeafFile), abs(LeafKeyFile))
	return nil
}

// Write puts p's certificates and the leaf key into dir (created 0700 if
// missing) and returns the path of each file by name. Certificates are
// 0644, the key 0600.
func (p *PKI) Write(dir string) (map[string]string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(p.LeafKey)
	if err != nil {
		return nil, fmt.Errorf("encoding the leaf key: %w", err)
	}
	files := []struct {
		name  string
		mode  os.FileMode
		kind  string
		bytes [][]byte
	}{
		{RootFile, 0o644, "CERTIFICATE", [][]byte{p.Root.Raw}},
		{IntermediateFile, 0o644, "CERTIFICATE", [][]byte{p.Intermediate.Raw}},
		{LeafFile, 0o644, "CERTIFICATE", [][]byte{p.Leaf.Raw}},
		{ChainFile, 0o644, "CERTIFICATE", [][]byte{p.Leaf.Raw, p.Intermediate.Raw}},
		{LeafKeyFile, 0o600, "PRIVATE KEY", [][]byte{keyDER}},
	}
	paths := map[string]string{}
	for _, f := range files {
		var data []byte
		for _, b := range f.bytes {
			data = append(data, pem.EncodeToMemory(&pem.Block{Type: f.kind, Bytes: b})...)
		}
		path := filepath.Join(dir, f.name)
		if err := writeFile(path, data, f.mode); err != nil {
			return nil, err
		}
		paths[f.name] = path
	}
	return paths, nil
}

// writeFile replaces path with data and mode, also when an older file with
// looser permissions is in the way.
func writeFile(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("setting the mode of %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// PEM encodes certificates as PEM blocks, in order.
func PEM(certs ...*x509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}
