package tlsdemo

import (
	"context"
	"crypto/tls"
	"fmt"
	"strings"
	"time"

	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/packet"
	"github.com/netdemo/netdemo/internal/tap"

	"github.com/netdemo/netdemo/demos/tls/tlsdemo/record"
)

// stepVersions runs TLS 1.2 and TLS 1.3 over the lab's link, where a round
// trip costs --rtt, and counts round trips from the measured handshake time.
func (w *world) stepVersions(ctx context.Context) error {
	r := w.r
	r.Step("versions", r.T("TLS 1.2 beside TLS 1.3 on the lab's link", "在实验网络链路上对比 TLS 1.2 与 TLS 1.3"))
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
	r.Printf(r.T("Client %v → %s:443 (%v), RTT %v, a GET / with each version:",
		"客户端 %v → %s:443（%v），RTT %v，每个版本各做一次 GET /："), lab.ClientAddr, lab.ServerName, lab.ServerAddr, rtt)
	// The recorder tells a handshake that took longer because the link
	// lost a frame from one that took the protocol's round trips.
	rec := tap.Record(l, tap.Proto(packet.TCP))
	defer rec.Stop()
	var xs [2]*exchange
	var lost [2]int
	for i, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		cfg := w.client(lab.ServerName)
		cfg.MinVersion, cfg.MaxVersion = v, v
		before, start := len(rec.Frames()), time.Now()
		x, err := fetch(ctx, l.Client(), lab.ServerName+":443", cfg, newRequest(lab.ServerName, "/", ""))
		if err != nil {
			return fmt.Errorf("%s over the lab: %w", tls.VersionName(v), err)
		}
		xs[i] = x
		// Frames lost while the TLS handshake ran (after TCP connected,
		// before Finished): what can make its time more than its round
		// trips.
		from, done := start.Add(x.Connect), start.Add(x.Connect+x.Handshake)
		lost[i] = len(tap.Select(rec.Frames()[before:], func(f tap.Frame) bool {
			return f.Dropped() && !f.At.Before(from) && f.At.Before(done)
		}))
		// Each version's exchange as a frame list (a ladder on the web):
		// the round trips of the two handshakes side by side.
		name := tls.VersionName(v)
		fl := tap.Event("versions-"+strings.ToLower(strings.ReplaceAll(name, " ", "")), name, rec.Frames()[before:])
		fl.Summarize = true
		r.Frames(fl)
	}
	w.res.TLS12HandshakeMs = ms(xs[0].Handshake)
	w.res.TLS13HandshakeMs = ms(xs[1].Handshake)
	r.Measure("tcp_connect_ms", ms(xs[1].Connect), "ms")
	r.Measure("tls12_handshake_ms", w.res.TLS12HandshakeMs, "ms")
	r.Measure("tls13_handshake_ms", w.res.TLS13HandshakeMs, "ms")
	for i, name := range []string{"tls12_round_trips", "tls13_round_trips"} {
		if rtt <= 0 {
			r.Measure(name, r.T("none to count (--rtt 0)", "无从计算（--rtt 0）"), "")
			continue
		}
		r.Measure(name, float64(int(xs[i].Handshake.Seconds()/rtt.Seconds()*10+0.5))/10, "RTT")
	}
	note := r.T("no frame of either handshake was lost: the times are the protocols' round trips",
		"两次握手都没有丢帧：这些时间就是协议本身的往返")
	if lost[0]+lost[1] > 0 {
		note = fmt.Sprintf(r.T("during the handshakes the link dropped %d frame(s) of TLS 1.2's and %d of TLS 1.3's; TCP waited to send them again, so a handshake with a loss took that wait on top of the protocol's round trips",
			"握手期间，链路丢掉了 TLS 1.2 的 %d 个帧、TLS 1.3 的 %d 个帧；TCP 要等待重传，所以有丢包的那次握手除了协议本身的往返还多了这段等待"), lost[0], lost[1])
	}
	r.Printf("  %s%s", note, r.T(".", "。"))
	r.Set("versions_loss_note", note)

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
		"  TLS 1.3：没有密钥的旁观者在 ServerHello 之后看到 %d 条加密记录，看不到 Certificate：%v"), t13.Undecrypted, yesNo(r, !visible13))
	r.Set("tls12_cert_visible", visible12)
	r.Set("tls13_cert_visible", visible13)
	return nil
}
