// Package record reads TLS as it travels on the wire: it splits a byte
// stream into records (RFC 8446 §5.1) and names the handshake messages
// inside them (§4) with internal/dissect/tlsrec, which the trace reader
// shares, and, given the NSS key log a TLS stack writes when asked
// (tls.Config.KeyLogWriter), rebuilds the TLS 1.3 traffic keys with
// HKDF-Expand-Label (§7.1, §7.3) and decrypts the protected records (§5.2,
// §5.3) — the job Wireshark does with a key log file, written out small
// enough to read.
//
// Typical usage:
//
//	t, err := record.Dissect(tap.Chunks(), keylog) // tap: a wiretap.Conn below TLS
//	for _, m := range t.Items {
//		fmt.Println(m.Dir, m.Name, m.Encrypted, m.Size)
//	}
//
// Everything here parses input from outside the program (bytes off a
// socket), so every function returns an error instead of panicking on
// short or malformed input; the fuzz tests hold it to that.
package record
