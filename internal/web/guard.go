package web

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// csp is the page's Content-Security-Policy. The page satisfies it: no
// inline script or style, nothing from another origin, no frames.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// tokenCookie carries the token once the page was opened with it.
const tokenCookie = "netdemo_token"

// guard wraps every request:
//
//   - Host must be an IP address or "localhost". A DNS-rebinding page
//     reaches this server under its own domain name, which is refused.
//   - A request that carries Origin (every POST from a browser, and
//     cross-origin reads) must come from this server's own origin.
//   - Every response carries the security headers, and every response but
//     the event stream must be taken within 30 seconds.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if !allowedHost(r.Host) {
			http.Error(w, "netdemo web: this server answers only to an IP address or localhost in the URL (Host "+quoteShort(r.Host)+" refused)", http.StatusMisdirectedRequest)
			return
		}
		if o := r.Header.Get("Origin"); o != "" && !sameOrigin(o, r.Host) {
			http.Error(w, "netdemo web: cross-origin request refused", http.StatusForbidden)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			// Browsers send Origin with every POST; a POST without one
			// is from a program, which still needs the token.
			if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
				http.Error(w, "netdemo web: cross-site request refused", http.StatusForbidden)
				return
			}
		}
		if !strings.HasSuffix(r.URL.Path, "/events") {
			// Everything but the event stream (which times each write
			// itself) is one short answer: a client that will not read
			// it does not keep a goroutine.
			http.NewResponseController(w).SetWriteDeadline(time.Now().Add(30 * time.Second))
		}
		if len(r.URL.RawQuery) > 1024 {
			http.Error(w, "netdemo web: query too long", http.StatusRequestURITooLong)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// allowedHost reports whether a Host header names this machine by address
// or as localhost, never by another domain name.
func allowedHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	return net.ParseIP(host) != nil
}

func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	return strings.EqualFold(u.Host, host)
}

func quoteShort(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return `"` + strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s) + `"`
}

// hasToken reports whether r carries the token, in the cookie set when the
// page was opened with ?token=, or in an X-Netdemo-Token header (for
// programs).
func (s *Server) hasToken(r *http.Request) bool {
	given := r.Header.Get("X-Netdemo-Token")
	if c, err := r.Cookie(tokenCookie); given == "" && err == nil {
		given = c.Value
	}
	return given != "" && subtle.ConstantTimeCompare([]byte(given), []byte(s.cfg.Token)) == 1
}

func (s *Server) needToken(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.hasToken(r) {
			jsonError(w, http.StatusForbidden, "starting or stopping runs needs the token: open the URL that netdemo web printed (it ends in ?token=…)")
			return
		}
		next(w, r)
	}
}

// takeToken handles "/?token=…": a right token becomes a cookie (HttpOnly,
// SameSite=Strict, so no other site's page can use it) and the browser is
// sent to the URL without it, so the token is not left on a projected
// screen. It reports whether it answered the request.
func (s *Server) takeToken(w http.ResponseWriter, r *http.Request) bool {
	t := r.URL.Query().Get("token")
	if t == "" {
		return false
	}
	if subtle.ConstantTimeCompare([]byte(t), []byte(s.cfg.Token)) != 1 {
		http.Error(w, "netdemo web: wrong token", http.StatusForbidden)
		return true
	}
	http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: s.cfg.Token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return true
}
