package orders

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
)

// limitURI answers 414 URI Too Long (RFC 9110 §15.5.15) for a request
// target beyond MaxURIBytes. net/http has no such limit of its own: its
// only bound is MaxHeaderBytes, which covers the request line and all
// headers together and is answered with 431 before any handler runs.
func (a *API) limitURI(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := len(r.RequestURI); n > a.cfg.MaxURIBytes {
			writeProblem(w, r, newProblem(http.StatusRequestURITooLong, "", "",
				fmt.Sprintf("the request target is %d bytes; this server takes at most %d (send large data in a POST body)", n, a.cfg.MaxURIBytes)))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// maxLoggedURI keeps one absurd URL from flooding the log.
const maxLoggedURI = 200

// accessLog writes one Common Log Format line per request, the way web
// servers and proxies do: the full request target, query string included.
// That is why secrets never belong in a URL; a body is never logged.
func (a *API) accessLog(next http.Handler) http.Handler {
	if a.cfg.AccessLog == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &countingWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(cw, r)
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		uri := r.RequestURI
		if len(uri) > maxLoggedURI {
			uri = uri[:maxLoggedURI] + "…(" + strconv.Itoa(len(r.RequestURI)) + " bytes)"
		}
		a.cfg.AccessLog(fmt.Sprintf("%s - - [%s] %q %d %d", host, a.cfg.Now().Format("02/Jan/2006:15:04:05 -0700"),
			r.Method+" "+uri+" "+r.Proto, cw.status, cw.bytes))
	})
}

type countingWriter struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

func (c *countingWriter) WriteHeader(code int) {
	if !c.wroteHeader {
		c.wroteHeader, c.status = true, code
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *countingWriter) Write(b []byte) (int, error) {
	c.wroteHeader = true
	n, err := c.ResponseWriter.Write(b)
	c.bytes += int64(n)
	return n, err
}

func (c *countingWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }
