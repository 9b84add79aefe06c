package tlsdemo

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/lab"
)

// The attack steps share this: an attacker, a proxy per certificate, and
// the honest client's attempt, whose error is the outcome.

func (w *world) attacker() (*attacker, error) {
	if w.evil == nil {
		a, err := newAttacker(w.pki, time.Now())
		if err != nil {
			return nil, fmt.Errorf("making the attacker's certificates: %w", err)
		}
		w.evil = a
	}
	return w.evil, nil
}

// attackerClient is how the attacker talks to the real server: as an
// ordinary client (its secrets are not in the victim's key log).
func (w *world) attackerClient() *tls.Config {
	cfg := w.pki.ClientConfig("localhost")
	cfg.NextProtos = []string{"http/1.1"}
	return cfg
}

// throughProxy sends the login through a MITM proxy presenting cert, with
// the client config cfg. It returns the outcome and the proxy (closed).
func (w *world) throughProxy(ctx context.Context, cert tls.Certificate, cfg *tls.Config) (outcome, *mitm, error) {
	m, err := startMITM(ctx, cert, w.site.Addr(), w.attackerClient())
	if err != nil {
		return outcome{}, nil, err
	}
	defer m.Close()
	x, err := fetch(ctx, netxLoopback, m.Addr(), cfg, newRequest("localhost", "/login", loginBody))
	o := outcome{Blocked: err != nil, Error: errText(errors.Unwrap(err))}
	if err == nil && x.Status != 200 {
		o = outcome{Blocked: true, Error: fmt.Sprintf("status %d", x.Status)}
	}
	if err != nil {
		o.ProxyError = m.proxyError()
	}
	o.MITMRead = firstLineAndBody(m.Seen())
	return o, m, nil
}

// show prints an outcome the way every attack step ends. otherName names
// the other end of the connection (the proxy, the server); viaProxy says an
// attacker sat in the middle and could have read something.
func (w *world) show(name string, o outcome, otherName string, viaProxy bool) {
	r := w.r
	if o.Blocked {
		r.Printf("  %s %s", r.T("BLOCKED", "已阻止"), r.T("— the client's error:", "—— 客户端报错："))
		r.Printf("    %s", o.Error)
		if other := o.ServerError + o.ProxyError; other != "" {
			r.Printf("  %s", otherName+r.T("'s error:", "的报错："))
			r.Printf("    %s", other)
		}
	} else {
		r.Printf("  %s", r.T("NOT BLOCKED: the attack worked", "未能阻止：攻击成功"))
	}
	if o.MITMRead != "" {
		r.Printf("  %s", r.T("the attacker read:", "攻击者读到："))
		for _, l := range strings.Split(o.MITMRead, "\n") {
			r.Printf("    │ %s", l)
		}
	} else if o.Blocked && viaProxy {
		r.Printf("  %s", r.T("the attacker read: nothing (no plaintext ever reached it)", "攻击者读到：什么也没有（没有任何明文到达它）"))
	}
	r.Event("attack", map[string]any{"attack": name, "blocked": o.Blocked, "error": o.Error, "other_error": o.ServerError + o.ProxyError, "attacker_read": o.MITMRead})
}

func firstLineAndBody(s string) string {
	if s == "" {
		return ""
	}
	head, body, _ := strings.Cut(s, "\r\n\r\n")
	first, _, _ := strings.Cut(head, "\r\n")
	if body == "" {
		return first
	}
	return first + "\n…\n" + body
}

// certAttack is one attack on certificate checking or version
// negotiation, shown as one step: what it tries, how the honest client's
// attempt went, what the attacker read.
type certAttack struct {
	step, key string                                          // step id; event and result name
	title     func(r *demo.Run) string                        //
	intro     func(r *demo.Run, w *world, a *attacker) string // what the attacker does
	try       func(ctx context.Context, w *world, a *attacker) (outcome, error)
	other     func(r *demo.Run) string // the other end whose error is shown, "" for none
	viaProxy  bool                     // an attacker sat in the middle
	keep      func(w *world, o outcome)
}

func theProxy(r *demo.Run) string  { return r.T("the attacker's proxy", "攻击者的代理") }
func theServer(r *demo.Run) string { return r.T("the server", "服务器") }
func noOther(*demo.Run) string     { return "" }

// certAttacks are the steps, in the order they run.
var certAttacks = []certAttack{
	{
		step: "forged-cert", key: "forged_cert",
		title: func(r *demo.Run) string {
			return r.T("Attack: a man in the middle with a certificate from its own CA", "攻击：中间人用自己 CA 签发的证书")
		},
		intro: func(r *demo.Run, w *world, a *attacker) string {
			return fmt.Sprintf(r.T("The proxy presents %q issued by %q. The client trusts only the netdemo root.",
				"代理出示由 %[2]q 签发的 %[1]q 证书。客户端只信任 netdemo 根证书。"), a.forged.Leaf.Subject.CommonName, a.root.Subject.CommonName)
		},
		try: func(ctx context.Context, w *world, a *attacker) (outcome, error) {
			return w.viaProxy(ctx, a.forged, w.client("localhost"))
		},
		other: theProxy, viaProxy: true,
		keep: func(w *world, o outcome) { w.res.Attacks.ForgedCert = o },
	},
	{
		// The only place InsecureSkipVerify appears: to show what goes
		// wrong without verification.
		step: "no-verify", key: "no_verify",
		title: func(r *demo.Run) string {
			return r.T("What goes wrong WITHOUT verification (InsecureSkipVerify)", "不验证证书会怎样（InsecureSkipVerify）")
		},
		intro: func(r *demo.Run, w *world, a *attacker) string {
			return r.T("Same proxy, same forged certificate, but the client skips verification. The connection is still encrypted — to the attacker.",
				"同一个代理、同一张伪造证书，但客户端跳过了验证。连接依然是加密的——只不过是加密给攻击者。")
		},
		try: func(ctx context.Context, w *world, a *attacker) (outcome, error) {
			cfg := w.client("localhost")
			cfg.InsecureSkipVerify = true // DELIBERATELY BROKEN: this step shows why it must never be set
			return w.viaProxy(ctx, a.forged, cfg)
		},
		other: theProxy, viaProxy: true,
		keep: func(w *world, o outcome) { w.r.Set("no_verify_read_password", strings.Contains(o.MITMRead, password)) },
	},
	{
		step: "wrong-host", key: "wrong_host",
		title: func(r *demo.Run) string {
			return r.T("Attack: a valid certificate, for the wrong name", "攻击：证书有效，但名字不对")
		},
		intro: func(r *demo.Run, w *world, a *attacker) string {
			return fmt.Sprintf(r.T("The attacker owns %s and got a genuine certificate for it from the same CA; it presents that for localhost.",
				"攻击者拥有 %s，并从同一个 CA 拿到了它的真证书；现在拿它冒充 localhost。"), lab.ServerName)
		},
		try: func(ctx context.Context, w *world, a *attacker) (outcome, error) {
			return w.viaProxy(ctx, a.ownName, w.client("localhost"))
		},
		other: theProxy, viaProxy: true,
		keep: func(w *world, o outcome) { w.res.Attacks.WrongHost = o },
	},
	{
		step: "expired", key: "expired",
		title: func(r *demo.Run) string { return r.T("An expired certificate", "过期的证书") },
		intro: func(r *demo.Run, w *world, a *attacker) string {
			return fmt.Sprintf(r.T("The real server, the real chain; the client's clock says %s, a day after the leaf's notAfter.",
				"真实的服务器、真实的证书链；客户端的时钟是 %s，比叶子证书的 notAfter 晚一天。"), w.expiredClock().UTC().Format(time.DateOnly))
		},
		try: func(ctx context.Context, w *world, a *attacker) (outcome, error) {
			cfg := w.client("localhost")
			cfg.Time = w.expiredClock
			_, err := fetch(ctx, netxLoopback, w.site.Addr(), cfg, newRequest("localhost", "/login", loginBody))
			return outcome{Blocked: err != nil, Error: errText(errors.Unwrap(err))}, nil
		},
		other: noOther,
		keep:  func(w *world, o outcome) { w.res.Attacks.Expired = o },
	},
	{
		step: "self-signed", key: "self_signed",
		title: func(r *demo.Run) string { return r.T("Attack: a self-signed certificate", "攻击：自签名证书") },
		intro: func(r *demo.Run, w *world, a *attacker) string {
			return r.T("The proxy presents a certificate for localhost that vouches for itself (issuer = subject).",
				"代理出示一张 localhost 的证书，它自己给自己担保（签发者 = 主体）。")
		},
		try: func(ctx context.Context, w *world, a *attacker) (outcome, error) {
			return w.viaProxy(ctx, a.selfSigned, w.client("localhost"))
		},
		other: theProxy, viaProxy: true,
		keep: func(w *world, o outcome) { w.res.Attacks.SelfSigned = o },
	},
	{
		step: "old-version", key: "old_version",
		title: func(r *demo.Run) string {
			return r.T("A client that only speaks TLS 1.0", "只会 TLS 1.0 的客户端")
		},
		intro: func(r *demo.Run, w *world, a *attacker) string {
			return r.T("The server accepts TLS 1.2 and 1.3 only (MinVersion TLS 1.2).", "服务器只接受 TLS 1.2 和 1.3（MinVersion 为 TLS 1.2）。")
		},
		try: func(ctx context.Context, w *world, a *attacker) (outcome, error) {
			cfg := w.client("localhost")
			cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS10, tls.VersionTLS10
			w.site.drain()
			_, err := fetch(ctx, netxLoopback, w.site.Addr(), cfg, newRequest("localhost", "/", ""))
			o := outcome{Blocked: err != nil, Error: errText(errors.Unwrap(err))}
			if serr, ok := w.site.nextError(ctx); ok {
				o.ServerError = serr.Error()
			}
			return o, nil
		},
		other: theServer,
		keep:  func(w *world, o outcome) { w.res.Attacks.OldVersion = o },
	},
}

// stepCertAttacks runs every certAttack as its own step.
func (w *world) stepCertAttacks(ctx context.Context) error {
	r := w.r
	a, err := w.attacker()
	if err != nil {
		return err
	}
	for _, c := range certAttacks {
		r.Step(c.step, c.title(r))
		r.Printf("%s", c.intro(r, w, a))
		o, err := c.try(ctx, w, a)
		if err != nil {
			return fmt.Errorf("%s: %w", c.step, err)
		}
		w.show(c.key, o, c.other(r), c.viaProxy)
		c.keep(w, o)
	}
	return nil
}

// expiredClock is a day after the leaf certificate's notAfter.
func (w *world) expiredClock() time.Time { return w.pki.Leaf.NotAfter.Add(24 * time.Hour) }

// viaProxy is throughProxy for a step that needs only the outcome.
func (w *world) viaProxy(ctx context.Context, cert tls.Certificate, cfg *tls.Config) (outcome, error) {
	o, _, err := w.throughProxy(ctx, cert, cfg)
	return o, err
}
