// Package cgiwire holds the contract CGI defined between a web server and
// an application, which every gateway interface after it kept: the request
// as meta-variables, the answer as a CGI response (RFC 3875 §4.1, §6).
//
// FastCGI sends the variables as PARAMS, uwsgi as its vars block, WSGI hands them to
// the application in environ; CGI itself puts them in the environment of
// the process it starts.
package cgiwire

import (
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// Var is one meta-variable.
type Var struct{ Name, Value string }

// FromRequest lists the variables for req as a web server in front of an
// application would: the request line split up (REQUEST_METHOD,
// SCRIPT_NAME, PATH_INFO, QUERY_STRING), the body's CONTENT_TYPE and
// CONTENT_LENGTH, the peer (REMOTE_ADDR), the server, and every header as
// HTTP_NAME. scriptName is the prefix that names the application ("" for
// an application mounted at /).
//
// The Proxy header is never passed on: as HTTP_PROXY it would look like the
// proxy setting many HTTP clients read from the environment ("httpoxy",
// CVE-2016-5385).
func FromRequest(req *http.Request, scriptName string) []Var {
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	serverName, serverPort, err := net.SplitHostPort(host)
	if err != nil {
		serverName, serverPort = host, "80"
		if req.TLS != nil {
			serverPort = "443"
		}
	}
	pathInfo := strings.TrimPrefix(req.URL.Path, scriptName)
	vs := []Var{
		{"GATEWAY_INTERFACE", "CGI/1.1"},
		{"SERVER_SOFTWARE", "netdemo-proxy"},
		{"SERVER_PROTOCOL", protocol(req)},
		{"SERVER_NAME", serverName},
		{"SERVER_PORT", serverPort},
		{"REQUEST_METHOD", req.Method},
		{"REQUEST_URI", req.URL.RequestURI()},
		{"SCRIPT_NAME", scriptName},
		{"PATH_INFO", pathInfo},
		{"QUERY_STRING", req.URL.RawQuery},
	}
	if ra, rp, err := net.SplitHostPort(req.RemoteAddr); err == nil {
		vs = append(vs, Var{"REMOTE_ADDR", ra}, Var{"REMOTE_PORT", rp})
	}
	if req.TLS != nil {
		vs = append(vs, Var{"HTTPS", "on"})
	}
	if ct := req.Header.Get("Content-Type"); ct != "" {
		vs = append(vs, Var{"CONTENT_TYPE", ct})
	}
	if req.ContentLength > 0 {
		vs = append(vs, Var{"CONTENT_LENGTH", strconv.FormatInt(req.ContentLength, 10)})
	}
	vs = append(vs, Var{"HTTP_HOST", host})
	names := make([]string, 0, len(req.Header))
	for k := range req.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		ck := http.CanonicalHeaderKey(k)
		if ck == "Content-Type" || ck == "Content-Length" || ck == "Host" || ck == "Proxy" {
			continue
		}
		vs = append(vs, Var{"HTTP_" + strings.ToUpper(strings.ReplaceAll(k, "-", "_")), strings.Join(req.Header[k], ", ")})
	}
	return vs
}

func protocol(req *http.Request) string {
	if req.ProtoMajor == 0 {
		return "HTTP/1.1"
	}
	return "HTTP/" + strconv.Itoa(req.ProtoMajor) + "." + strconv.Itoa(req.ProtoMinor)
}

// Map returns the variables as a map (net/http/cgi.RequestFromMap takes
// one).
func Map(vs []Var) map[string]string {
	m := make(map[string]string, len(vs))
	for _, v := range vs {
		m[v.Name] = v.Value
	}
	return m
}
