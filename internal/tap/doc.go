// Package tap records what a lab link carried: every frame, decoded once
// into an IPv4/TCP/UDP [packet.Packet], with its direction and fate. It is
// the one recorder the demos read the wire through (the handshake a demo
// shows, the retransmissions it counts, the datagrams QUIC sent), so that
// what a demo says about packets comes from the packets, not from what the
// stacks were supposed to do.
//
// Typical usage:
//
//	rec := tap.Record(l, tap.Proto(packet.TCP))
//	defer rec.Stop()
//	... run the exchange ...
//	frames := tap.Select(rec.Frames(), tap.Flow(packet.TCP, clientPort, 80))
//	r.Frames(tap.Event("handshake", "", frames[:3]))
package tap
