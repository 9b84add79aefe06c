package tlsdemo

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

func (w *world) stepChain(ctx context.Context) error {
	r := w.r
	r.Step("chain", r.T("The certificate chain, and how the client checked it", "证书链，以及客户端如何验证它"))
	st := w.main.x.State
	if len(st.VerifiedChains) == 0 {
		return fmt.Errorf("the handshake succeeded without a verified chain")
	}
	chain := st.VerifiedChains[0]
	r.Printf(r.T("The server sent %d certificates (leaf, intermediate); the client added the root from its own trust store:",
		"服务器发来 %d 张证书（叶子证书、中间证书）；根证书来自客户端自己的信任库："), len(st.PeerCertificates))
	for i, c := range chain {
		role := []string{r.T("leaf", "叶子"), r.T("intermediate", "中间 CA"), r.T("root (trust anchor)", "根（信任锚）")}[min(i, 2)]
		w.describe(role, c)
		w.res.Chain = append(w.res.Chain, chainCert{
			Subject: c.Subject.String(), Issuer: c.Issuer.String(),
			NotAfter: c.NotAfter.UTC().Format(time.RFC3339), SHA256: fingerprint(c),
		})
	}

	// The checks, one by one, each with the outcome this run observed.
	r.Printf("%s", r.T("\nVerification, step by step:", "\n逐步验证："))
	now := time.Now()
	ok := true
	check := func(what string, err error) {
		mark := "✓"
		msg := ""
		if err != nil {
			mark, msg, ok = "✗", " — "+err.Error(), false
		}
		r.Printf("  %s %s%s", mark, what, msg)
		r.Event("verify_check", map[string]any{"check": what, "ok": err == nil, "error": errText(err)})
	}
	leaf := chain[0]
	inter := x509.NewCertPool()
	for _, c := range st.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := leaf.Verify(x509.VerifyOptions{Roots: w.pki.RootPool(), Intermediates: inter, CurrentTime: now})
	check(r.T("a path leads from the leaf to a root this client trusts", "从叶子证书能找到一条通往本客户端所信任根证书的路径"), err)
	for i := 0; i+1 < len(chain); i++ {
		check(fmt.Sprintf(r.T("%q is signed by %q's key (%s)", "%q 由 %q 的私钥签名（%s）"),
			chain[i].Subject.CommonName, chain[i+1].Subject.CommonName, chain[i].SignatureAlgorithm),
			chain[i].CheckSignatureFrom(chain[i+1]))
	}
	for _, c := range chain {
		var err error
		if now.Before(c.NotBefore) || now.After(c.NotAfter) {
			err = fmt.Errorf("outside %s … %s", c.NotBefore.Format(time.DateOnly), c.NotAfter.Format(time.DateOnly))
		}
		check(fmt.Sprintf(r.T("%q is valid now (until %s)", "%q 当前在有效期内（至 %s）"), c.Subject.CommonName, c.NotAfter.Format(time.DateOnly)), err)
	}
	check(r.T("the leaf names the host we asked for: localhost", "叶子证书包含我们访问的主机名：localhost"), leaf.VerifyHostname("localhost"))
	check(r.T("the root's name constraints permit every name in the leaf (checked while building the path)", "根证书的名称约束允许叶子证书中的每个名字（构建路径时检查）"), err)
	check(r.T("the server proved it holds the leaf's private key (CertificateVerify signature over the handshake)",
		"服务器证明自己持有叶子证书的私钥（CertificateVerify 对握手记录的签名）"), nil) // the handshake would have failed otherwise
	w.res.Verified = ok && len(st.VerifiedChains) > 0
	r.Measure("verified", w.res.Verified, "")
	r.Set("chain_len", len(chain))
	r.Set("leaf_days", int(leaf.NotAfter.Sub(leaf.NotBefore).Hours()/24+0.5))
	return nil
}

func (w *world) describe(role string, c *x509.Certificate) {
	r := w.r
	r.Printf("\n  %s %s", role+":", c.Subject.String())
	r.Printf("    %-20s %s", r.T("issuer", "签发者"), c.Issuer.String())
	var sans []string
	sans = append(sans, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		sans = append(sans, ip.String())
	}
	if len(sans) > 0 {
		r.Printf("    %-20s %s", r.T("names (SAN)", "名称（SAN）"), strings.Join(sans, ", "))
	}
	r.Printf("    %-20s %s … %s", r.T("valid", "有效期"), c.NotBefore.UTC().Format(time.DateTime), c.NotAfter.UTC().Format(time.DateTime))
	// The event keeps keyDesc's English; the reader gets the unit in the run's language.
	r.Printf("    %-20s %s", r.T("public key", "公钥"), strings.Replace(keyDesc(c.PublicKey), " bits", r.T(" bits", " 位"), 1))
	r.Printf("    %-20s %s", r.T("signature", "签名算法"), c.SignatureAlgorithm)
	r.Printf("    %-20s %s", "SHA-256", fingerprint(c))
	if c.IsCA {
		pl := r.T("unlimited", "不限")
		if c.MaxPathLen > 0 || c.MaxPathLenZero {
			pl = fmt.Sprint(c.MaxPathLen)
		}
		r.Printf("    %-20s %s, %s %s", "CA", r.T("yes", "是"), r.T("path length", "路径长度"), pl)
	}
	if len(c.PermittedDNSDomains)+len(c.PermittedIPRanges) > 0 {
		var nc []string
		nc = append(nc, c.PermittedDNSDomains...)
		for _, n := range c.PermittedIPRanges {
			nc = append(nc, n.String())
		}
		crit := ""
		if c.PermittedDNSDomainsCritical {
			crit = r.T(" (critical)", "（关键扩展）")
		}
		r.Printf("    %-20s %s%s", r.T("name constraints", "名称约束"), strings.Join(nc, ", "), crit)
	}
	r.Event("certificate", map[string]any{"role": role, "subject": c.Subject.String(), "issuer": c.Issuer.String(),
		"not_before": c.NotBefore.UTC().Format(time.RFC3339), "not_after": c.NotAfter.UTC().Format(time.RFC3339),
		"dns_names": c.DNSNames, "key": keyDesc(c.PublicKey), "signature": c.SignatureAlgorithm.String(),
		"sha256": fingerprint(c), "ca": c.IsCA, "permitted_dns": c.PermittedDNSDomains})
}

func fingerprint(c *x509.Certificate) string {
	s := sha256.Sum256(c.Raw)
	return hex.EncodeToString(s[:])
}

func keyDesc(k any) string {
	switch k := k.(type) {
	case *ecdsa.PublicKey:
		return fmt.Sprintf("ECDSA %s (%d bits)", k.Curve.Params().Name, k.Curve.Params().BitSize)
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d bits", k.N.BitLen())
	}
	return fmt.Sprintf("%T", k)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
