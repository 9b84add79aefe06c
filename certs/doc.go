// Package certs is the demo PKI: a root CA, an intermediate and a leaf for
// localhost, 127.0.0.1, ::1 and the lab server (server.test, 192.0.2.2),
// made on first use.
//
// The chain has three levels because real ones do: the root's key stays
// offline, an intermediate signs leaves, and the server sends leaf +
// intermediate so that a client holding only the root can build the path.
// All keys are ECDSA P-256.
//
// The root carries X.509 Name Constraints (RFC 5280 §4.2.1.10) limited to
// those names, marked critical. A student who adds it to a browser's trust
// store is therefore safe even if the root key leaks: a certificate it
// signs for any other site fails verification with "not permitted by any
// constraint".
//
// No private key is ever committed: keys live in memory ([Demo]), and on
// disk only where [WriteFiles] is asked to put them (`netdemo certs`, into
// the git-ignored certs/out), with mode 0600.
//
// Typical usage:
//
//	p, err := certs.Demo()
//	ln := tls.NewListener(inner, p.ServerConfig())
//	conn, err := tls.Dial("tcp", addr, p.ClientConfig("localhost"))
package certs
