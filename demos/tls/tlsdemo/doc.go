// Package tlsdemo is the tls demo: HTTPS for real. It runs a TLS 1.3
// connection, names every handshake message on the wire, opens the
// certificate chain, rebuilds the session keys from the key log to decrypt
// a captured record, compares TLS 1.2 with 1.3 on the lab's round trip,
// and stages the attacks an interviewer asks about, each failing with the
// TLS stack's own error.
//
// Nothing is simulated but the browser's HSTS cache (Go's client has
// none). The client records the raw bytes of its TCP connection (with
// internal/wiretap), and package record parses and decrypts them; the servers are net/http
// behind crypto/tls; the attackers are real proxies on loopback.
//
// # Files
//
//   - run.go: the order of the steps and what they share.
//   - server.go, client.go: the HTTPS site, one recorded exchange.
//   - handshake.go, chain.go, keys.go, resume.go, versions.go: the steps
//     that open a connection up.
//   - mitm.go, attacks.go, tamper.go, pinning.go, hsts.go: the attackers
//     and the steps that stage them.
//   - serve.go: --serve, for openssl, curl and browsers.
package tlsdemo
