// Package servers holds the servers more than one demo runs, and the small
// pieces every server of the demos shares. Subpackages are the servers
// themselves: echo (RFC 862 over TCP and UDP, tcp-udp's reference peer)
// and orders (the get-post demo's orders API, an app any demo can put
// behind a proxy).
//
// A server here listens where it is told (any netx.Network: the kernel's
// loopback or the lab), stops when its Close is called or its context is
// done, and leaves no goroutine behind.
package servers
