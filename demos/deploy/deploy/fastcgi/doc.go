// Package fastcgi is the web server's side of FastCGI: the record codec and
// an [http.RoundTripper] that speaks FastCGI to an application server, the
// part nginx's fastcgi_pass plays. The standard library has the other side
// (net/http/fcgi, an application server) but no client.
//
// Everything on a FastCGI connection is a record: an 8-byte header
// (version 1, type, request id, content length, padding length, one
// reserved byte) then the content and the padding. A request is
// BEGIN_REQUEST (role and flags), PARAMS records carrying the CGI
// variables as name-value pairs, an empty PARAMS ending them, STDIN records
// carrying the body, an empty STDIN ending it. The application answers with
// STDOUT records (a CGI response: headers, a blank line, the body), maybe
// STDERR, an empty STDOUT, and END_REQUEST (application status and protocol
// status). See the FastCGI Specification 1.0 (Open Market, 1996), §3 and §5.
//
// Typical usage:
//
//	rt := &fastcgi.Transport{Dial: func(ctx context.Context) (net.Conn, error) { return d.DialContext(ctx, "unix", sock) }}
//	proxy := &httputil.ReverseProxy{Rewrite: ..., Transport: rt}
//	recs, err := fastcgi.Decode(tap.Bytes(wiretap.ClientToServer)) // list what went out
package fastcgi
