// Package h2wire lists the frames in a recording of an HTTP/2 connection
// (made with internal/wiretap), the way a protocol analyser would: both
// directions in the order one end saw them, each frame with its type, flags
// and stream id, and every header block decoded with HPACK, field by field,
// saying how each field was encoded (a static-table index, a dynamic-table
// index, or a literal) and in how many bytes.
//
// Typical usage:
//
//	rec := wiretap.Server(conn) // the server's net.Conn, above TLS
//	... serve HTTP/2 over rec ...
//	ex, err := h2wire.Parse(rec.Chunks())
//	for _, f := range ex.Frames { fmt.Println(f) }
//
// The recording has to sit above TLS (on the plaintext), since below it the
// frames are encrypted. The frame layout (RFC 9113 §4.1, §6) is parsed
// here; header blocks are decoded with golang.org/x/net/http2/hpack
// (RFC 7541), and [Representations] says how each field was encoded.
//
// [Parse] reads bytes that came off a network: it never panics, returns what
// it could parse, and says where and why it stopped.
package h2wire
