// Package uwsgi is the uwsgi wire protocol (the binary protocol of the
// uWSGI application server and of nginx's uwsgi_pass): the packet codec,
// an [http.RoundTripper] for the web server's side and a [Server] for the
// application's side.
//
// A request is one packet then the body. The packet header is 4 bytes:
// modifier1 (0 means "WSGI/HTTP request variables"), the size of the vars
// block as a little-endian u16, modifier2 (0). The vars block is a
// sequence of key/value pairs, each a little-endian u16 length and the
// bytes. The application answers with a plain HTTP response ("HTTP/1.1
// 200 OK", headers, body) and closes the connection.
//
// Because the size is 16 bits, the variables of one request (every header
// of the request is one of them) cannot exceed 65,535 bytes: [EncodeVars]
// refuses instead of letting the size wrap around.
//
// Typical usage:
//
//	pkt, err := uwsgi.EncodeVars(cgiwire.FromRequest(req, ""))
//	h, vars, err := uwsgi.ReadPacket(conn)
package uwsgi
