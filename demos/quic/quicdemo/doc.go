// Package quicdemo is the quic demo: HTTP/3 over QUIC over UDP, set beside
// HTTP/1.1 and HTTP/2 over TCP, on the lab's link.
//
// The run has four steps, each a file:
//
//   - layers.go: a few GETs on one HTTP/3 connection, and the UDP
//     datagrams the lab's tap saw, with the QUIC packets inside each.
//   - race.go: the handshake race, time to the first response byte on fresh
//     connections (HTTP/1.1, HTTPS with TLS 1.2 and 1.3, HTTP/3, HTTP/3
//     with 0-RTT), against the round trips theory predicts.
//   - hol.go: head-of-line blocking, N parallel downloads over one HTTP/2
//     and one HTTP/3 connection on a lossy link, over several seeds.
//   - replay.go: an on-path attacker copies a 0-RTT first flight off the
//     link and sends it again; the server runs the request twice, unless
//     its handler answers early data with 425 Too Early (RFC 8470).
//
// The servers (servers.go: net/http over TCP, quic-go's http3 over UDP)
// serve one site (site.go) and run on a [bed]: the kernel's loopback or a
// lab, whose hosts are separate TCP/IP stacks. Everything printed comes from
// output.go, which words each sentence after what the run observed.
package quicdemo
