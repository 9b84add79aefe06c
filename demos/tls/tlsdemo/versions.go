package tlsdemo

import (
	"context"
	"crypto/tls"
	"fmt"
	"github.com/netdemo/netdemo/internal/netx"

	"github.com/netdemo/netdemo/demos/tls/tlsdemo/record"
)

// stepVersions runs TLS 1.2 and TLS 1.3 over the lab's link, where a round
// trip costs --rtt, and counts round trips from the measured handshake time.
func (w *world) stepVersions(ctx context.Context) error {
	r := w.r
	r.Step("versions", r.T("TLS 1.2 beside TLS 1.3 on the lab's link", "在实验室链路上对比 TLS 1.2 与 TLS 1.3"))
	l, err := r.NewLab()
	if err != nil {
		return err
	}
	rtt := r.Link.RTT
	r.Set("rtt_ms", ms(rtt))
	srv, err := startSite(ctx, l.Server(), ":443", w.pki.ServerConfig())
	if err != nil {
		return fmt.Errorf("lab server: %w", err)
	}
	defer srv.Close()
	r.Printf(r.T("Client 192.0.2.1 → server.test:443 (192.0.2.2), RTT %v, a GET / with each version:",
		"客户端 192.0.2.1 → server.test:443（192.0.2.2），RTT %v，每个版本各做一次 GET /："), rtt)
	var xs [2]*exchange
	for i, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		cfg := w.client("server.test")
		cfg.MinVersion, cfg.MaxVersion = v, v
		x, err := fetch(ctx, l.Client(), "server.test:443", cfg, newRequest("server.test", "/", ""))
		if err != nil {
			return fmt.Errorf("%s over the lab: %w", tls.VersionName(v), err)
		}
		xs[i] = x
	}
	w.res.TLS12HandshakeMs = ms(xs[0].Handshake)
	w.res.TLS13HandshakeMs = ms(xs[1].Handshake)
	r.Measure("tcp_connect_ms", ms(xs[1].Connect), "ms")
	r.Measure("tls12_handshake_ms", w.res.TLS12HandshakeMs, "ms")
	r.Measure("tls13_handshake_ms", w.res.TLS13HandshakeMs, "ms")
	for i, name := range []string{"tls12_round_trips", "tls13_round_trips"} {
		if rtt <= 0 {
			r.Measure(name, "n/a (--rtt 0)", "")
			continue
		}
		r.Measure(name, float64(int(xs[i].Handshake.Seconds()/rtt.Seconds()*10+0.5))/10, "RTT")
	}

	// Who can read the certificate? Dissect both without any keys, as an
	// observer on the path would.
	t12, _ := record.Dissect(xs[0].Chunks, nil)
	t13, _ := record.Dissect(xs[1].Chunks, nil)
	visible12 := false
	if it, ok := t12.Find(netx.ServerToClient, "Certificate"); ok && !it.Encrypted {
		if cs, err := record.Certificates12(it.Body); err == nil && len(cs) > 0 {
			visible12 = true
			r.Printf(r.T("  TLS 1.2: an observer parses the Certificate message in clear: %q issued by %q, names %v",
				"  TLS 1.2：旁观者能直接解析明文的 Certificate 消息：%q，签发者 %q，名称 %v"),
				cs[0].Subject.CommonName, cs[0].Issuer.CommonName, cs[0].DNSNames)
		}
	}
	visible13 := t13.Has("Certificate")
	r.Printf(r.T("  TLS 1.3: an observer without keys sees %d encrypted records after ServerHello and no Certificate: %v",
		"  TLS 1.3：没有密钥的旁观者在 ServerHello 之后看到 %d 条加密记录，看不到 Certificate：%v"), t13.Undecrypted, !visible13)
	r.Set("tls12_cert_visible", visible12)
	r.Set("tls13_cert_visible", visible13)
	return nil
}
