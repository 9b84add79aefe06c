// Package quichdr recognises QUIC packet headers (RFC 9000 §17, RFC 8999
// for what every version keeps, RFC 9369 for version 2): the long-header
// packet types and the lengths that find the next packet coalesced in a
// datagram (§12.2). It is the one place netdemo writes them down: the quic
// demo names the packets of each datagram with [Packets], and the trace
// reader (internal/trace), which keeps its own allocation-free check of
// the first packet on its hot path, takes the types and their names from
// [LongType] and [PacketType.String].
//
// It reads headers only: the payload is encrypted, and the header
// protection of the packet number is not removed.
package quichdr
