// Package wiretap records the bytes an application puts on a connection.
//
// Several demos need to show the exact bytes on the wire: the request line
// and headers a GET really sends, the TLS records of a handshake, the
// HTTP/2 frames of a connection. A packet capture would show them too, but
// needs privileges, a tool and a decoder for TCP. A [Conn] wrapped around
// the net.Conn the application uses gets the same bytes, in order, with no
// capture at all: every Read and every Write becomes one [Chunk].
//
// Typical usage:
//
//	raw, err := net.Dial("tcp", addr)
//	...
//	tap := wiretap.Client(raw)       // this end is the client
//	tc := tls.Client(tap, cfg)       // TLS runs over the recording
//	... use tc ...
//	for _, c := range tap.Chunks() { fmt.Println(c.Dir, len(c.Data)) }
//
// Where the tap sits decides what it sees: below TLS it records the
// encrypted records; above TLS (wrapping the *tls.Conn) the plaintext.
//
// A Conn has exactly the methods of net.Conn, and no others, whatever it
// wraps. In particular it has no ConnectionState method even around a
// *tls.Conn, so net/http treats it as a cleartext connection: that is what
// lets a server terminate TLS itself, record the plaintext, and still serve
// HTTP/2 on it (as h2c), as a TLS-terminating proxy would.
package wiretap
