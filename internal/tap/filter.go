package tap

import (
	"github.com/netdemo/netdemo/internal/netx"
)

// Select returns the frames that pass f, in order.
func Select(frames []Frame, f Filter) []Frame {
	var out []Frame
	for _, fr := range frames {
		if f(fr) {
			out = append(out, fr)
		}
	}
	return out
}

// Proto keeps the frames of one IP protocol (packet.TCP, packet.UDP).
func Proto(proto int) Filter {
	return func(f Frame) bool { return f.Pkt.Proto == proto }
}

// Flow keeps one protocol's frames between a client port and a server
// port, both directions.
func Flow(proto int, clientPort, serverPort uint16) Filter {
	return func(f Frame) bool {
		p := f.Pkt
		if p.Proto != proto {
			return false
		}
		return (f.Dir == netx.ClientToServer && p.SrcPort == clientPort && p.DstPort == serverPort) ||
			(f.Dir == netx.ServerToClient && p.SrcPort == serverPort && p.DstPort == clientPort)
	}
}

// ClientPort keeps one protocol's frames from or to a client port, both
// directions, whatever the server port.
func ClientPort(proto int, port uint16) Filter {
	return func(f Frame) bool {
		p := f.Pkt
		return p.Proto == proto && ((f.Dir == netx.ClientToServer && p.SrcPort == port) ||
			(f.Dir == netx.ServerToClient && p.DstPort == port))
	}
}
