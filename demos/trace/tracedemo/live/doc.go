// Package live captures the trace demo's packets on the kernel's real
// loopback interface, without libpcap and without cgo: a Linux AF_PACKET
// raw socket (packet(7)) read with plain system calls.
//
// Typical usage:
//
//	c, err := live.Open(live.Filter{TCPPorts: []int{8080}, UDPPorts: []int{9000}})
//	if errors.Is(err, live.ErrPermission) { ... explain CAP_NET_RAW, fall back ... }
//	... run the exchange on 127.0.0.1 ...
//	pkts, err := c.Stop(quiet)
//
// # Each loopback packet once
//
// A packet socket bound to "lo" sees every packet twice: once as the sender
// hands it to the interface (sll_pkttype PACKET_OUTGOING) and once as the
// interface hands it back to the stack (PACKET_HOST). tcpdump shows it once
// because libpcap drops the outgoing copy on the loopback interface; [Dedup]
// does the same, so the count equals tcpdump's for the same exchange.
//
// # Privilege
//
// Opening a packet socket needs CAP_NET_RAW. Without it Open returns an
// error matching [ErrPermission], whose message says how to grant it. On
// other systems Open returns [ErrUnsupported]: the demo then uses the lab.
package live
