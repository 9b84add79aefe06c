package tcpudp

import (
	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/tap"

	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/packet"
)

// The demo reads the wire through internal/tap: the handshake it shows,
// the retransmissions and header bytes it counts all come from the
// recorded frames. This file holds what it computes from them.

// retransmissions counts the TCP segments carrying data whose sequence
// range starts below data already sent in the same direction: the sender
// is sending those bytes again. Frames the link dropped count too — the
// sender did send them. SYN and FIN each take one sequence number.
func retransmissions(frames []tap.Frame) int {
	n := 0
	for i, again := range tap.Retransmitted(frames) {
		if again && len(frames[i].Pkt.Payload) > 0 {
			n++ // a SYN sent again is the handshake's, not a data retransmission
		}
	}
	return n
}

// wireCount is what one protocol put on the link for the messages.
type wireCount struct {
	Frames       int    // packets, both directions, including dropped ones
	Bytes        int    // IP packets' total length: the bytes on the wire
	PayloadBytes int    // application bytes in them (retransmissions included)
	Dropped      int    // data-carrying frames the link dropped
	HeaderBytes  int    // transport header of the first data frame: TCP 20+options, UDP 8
	IPHeader     int    // IPv4 header of that frame
	Options      string // names of that frame's TCP options ("" for none or UDP)
	DataFrames   int    // frames carrying payload
	PureACKs     int    // server → client TCP frames with only the ACK flag and no data
}

func countWire(frames []tap.Frame) wireCount {
	var c wireCount
	for _, f := range frames {
		c.Frames++
		c.Bytes += f.Pkt.Total
		c.PayloadBytes += len(f.Pkt.Payload)
		if f.Dir == netx.ServerToClient && f.Pkt.Proto == packet.TCP && len(f.Pkt.Payload) == 0 && f.Pkt.Flags == packet.ACK {
			c.PureACKs++
		}
		if len(f.Pkt.Payload) > 0 {
			c.DataFrames++
			if f.Fate == lab.Dropped {
				c.Dropped++
			}
			if c.HeaderBytes == 0 {
				c.HeaderBytes, c.IPHeader = f.Pkt.L4Header, f.Pkt.IPHeader
				if len(f.Pkt.Options) > 0 {
					c.Options = optionNames(f.Pkt.Options)
				}
			}
		}
	}
	return c
}
