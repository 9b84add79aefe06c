// Package tlsrec reads the framing of TLS (RFC 8446 §5.1, RFC 5246 §6.2):
// records (content type, legacy version, length) and handshake messages
// (type, 24-bit length), with the names of both. It is the one place
// netdemo writes them down: the tls demo's dissector (demos/tls/tlsdemo/
// record) splits connections with it, and the trace reader
// (internal/trace), which keeps its own allocation-free check of a record
// header on its hot path, names what it finds with its types.
//
// It does not decrypt or parse message bodies; that is the tls demo's.
package tlsrec
