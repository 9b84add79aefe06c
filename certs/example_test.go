package certs_test

import (
	"crypto/tls"
	"fmt"
	"net"

	"github.com/netdemo/netdemo/certs"
)

// A TLS server with the demo chain and a client that trusts only the demo
// root, over an in-memory connection.
func ExampleDemo() {
	p, err := certs.Demo()
	if err != nil {
		panic(err)
	}
	c, s := net.Pipe()
	go func() {
		srv := tls.Server(s, p.ServerConfig())
		srv.Handshake()
		srv.Close()
	}()
	cli := tls.Client(c, p.ClientConfig("localhost"))
	if err := cli.Handshake(); err != nil {
		panic(err)
	}
	st := cli.ConnectionState()
	fmt.Println(tls.VersionName(st.Version), st.PeerCertificates[0].Subject.CommonName, "←", st.VerifiedChains[0][2].Subject.CommonName)
	// Output: TLS 1.3 localhost ← netdemo Root CA
}
