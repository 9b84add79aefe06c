package tlsdemo

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"
)

// spkiPin is the pin format of RFC 7469: base64 of the SHA-256 of the
// certificate's SubjectPublicKeyInfo. Pinning the key, not the
// certificate, survives renewals that keep the key.
func spkiPin(c *x509.Certificate) string {
	s := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	return "sha256/" + base64.StdEncoding.EncodeToString(s[:])
}

// pinned returns a VerifyConnection that runs after the normal chain and
// hostname checks and also demands that some certificate of the verified
// chain carries one of the pinned keys. Its error is this demo's own, so
// it is worded in the run's language (tr is the run's T).
func pinned(tr func(en, zh string) string, pins ...string) func(tls.ConnectionState) error {
	return func(cs tls.ConnectionState) error {
		for _, chain := range cs.VerifiedChains {
			for _, c := range chain {
				for _, p := range pins {
					if spkiPin(c) == p {
						return nil
					}
				}
			}
		}
		got := tr("none", "无")
		if len(cs.PeerCertificates) > 0 {
			got = spkiPin(cs.PeerCertificates[0])
		}
		return fmt.Errorf(tr("pinning: no key in the chain matches a pinned key (server leaf key %s, pinned %s)",
			"证书固定：证书链中没有与固定值相符的公钥（服务器叶子证书的公钥是 %s，固定的是 %s）"), got, strings.Join(pins, tr(", ", "、")))
	}
}

func (w *world) stepTrustedMITM(ctx context.Context) error {
	r := w.r
	r.Step("trusted-mitm", r.T("Attack: a victim made to trust the attacker's root — then pinning", "攻击：受害者被诱导信任攻击者的根证书——然后用证书固定挡住"))
	a, err := w.attacker()
	if err != nil {
		return err
	}
	victim := func() *tls.Config {
		cfg := w.client("localhost")
		cfg.RootCAs = w.pki.RootPool()
		cfg.RootCAs.AddCert(a.root) // installed by malware, a "security" app, or a corporate policy
		return cfg
	}
	r.Printf(r.T("The victim's trust store now holds %q too. Same proxy, same forged certificate:",
		"受害者的信任库里现在也有 %q。同一个代理、同一张伪造证书："), a.root.Subject.CommonName)
	o, _, err := w.throughProxy(ctx, a.forged, victim())
	if err != nil {
		return err
	}
	w.show("trusted_mitm", o, r.T("the attacker's proxy", "攻击者的代理"), true)
	read := o.MITMRead
	r.Set("trusted_mitm_read_password", strings.Contains(read, password))

	pins := []string{spkiPin(w.pki.Leaf), spkiPin(w.pki.Intermediate)}
	r.Printf("%s", r.T("\nNow the same victim pins the site's keys (leaf and intermediate, RFC 7469 format), checked in VerifyConnection:",
		"\n现在同一个受害者固定了站点的公钥（叶子与中间证书，RFC 7469 格式），在 VerifyConnection 中检查："))
	for _, p := range pins {
		r.Printf("    %s", p)
	}
	cfg := victim()
	cfg.VerifyConnection = pinned(r.T, pins...)
	o, _, err = w.throughProxy(ctx, a.forged, cfg)
	if err != nil {
		return err
	}
	w.show("trusted_mitm_pinned", o, r.T("the attacker's proxy", "攻击者的代理"), true)
	// The same pinned client still reaches the real server.
	_, direct := fetch(ctx, netxLoopback, w.site.Addr(), cfg, newRequest("localhost", "/", ""))
	if direct == nil {
		r.Printf("%s", r.T("  the same pinned client talking to the real server directly: connected, the pins matched",
			"  同一个固定了公钥的客户端直连真实服务器：连接成功，公钥与固定值相符"))
	} else {
		r.Printf(r.T("  the same pinned client talking to the real server directly: failed: %v",
			"  同一个固定了公钥的客户端直连真实服务器：失败：%v"), direct)
	}
	o.MITMRead = read // what the attacker read before pinning: the reason pinning matters
	w.res.Attacks.TrustedMITMPinned = o
	return nil
}
