package lab

import (
	"fmt"
	"github.com/netdemo/netdemo/internal/netx"
	"strings"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// Frame is one IP packet as the link saw it.
type Frame struct {
	N    int            // 1-based, in the order the lab saw frames (all links, both directions)
	At   time.Time      // when the sending host handed it to the link
	Link int            // which link: the index in Topology.Links (0 on the client–server preset)
	Dir  netx.Direction // on a Topology link, ClientToServer is from Cable.A to Cable.B
	Data []byte         // the IPv4 packet, header first; read only
	Fate Fate           //
}

// String summarizes the frame on one line, in the manner of tcpdump:
//
//	#3 client→server 192.0.2.1:33186 > 192.0.2.2:80 TCP [S] seq=1234 win=29184 len=0 delivered
func (f Frame) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d ", f.N)
	if f.Link != 0 {
		fmt.Fprintf(&b, "link %d ", f.Link)
	}
	fmt.Fprintf(&b, "%v ", f.Dir)
	ip := header.IPv4(f.Data)
	if !ip.IsValid(len(f.Data)) {
		fmt.Fprintf(&b, "%d bytes, not IPv4 %v", len(f.Data), f.Fate)
		return b.String()
	}
	src, dst := ip.SourceAddress(), ip.DestinationAddress()
	switch {
	case ip.FragmentOffset() != 0 || ip.More():
		fmt.Fprintf(&b, "%v > %v fragment id=%d offset=%d len=%d", src, dst, ip.ID(), ip.FragmentOffset(), len(ip.Payload()))
	case ip.TransportProtocol() == header.TCPProtocolNumber && len(ip.Payload()) >= header.TCPMinimumSize:
		t := header.TCP(ip.Payload())
		n := len(t) - int(t.DataOffset())
		fmt.Fprintf(&b, "%v:%d > %v:%d TCP [%s] seq=%d", src, t.SourcePort(), dst, t.DestinationPort(), tcpFlags(t.Flags()), t.SequenceNumber())
		if t.Flags().Contains(header.TCPFlagAck) {
			fmt.Fprintf(&b, " ack=%d", t.AckNumber())
		}
		fmt.Fprintf(&b, " win=%d len=%d", t.WindowSize(), n)
	case ip.TransportProtocol() == header.UDPProtocolNumber && len(ip.Payload()) >= header.UDPMinimumSize:
		u := header.UDP(ip.Payload())
		fmt.Fprintf(&b, "%v:%d > %v:%d UDP len=%d", src, u.SourcePort(), dst, u.DestinationPort(), len(u.Payload()))
	default:
		fmt.Fprintf(&b, "%v > %v protocol %d len=%d", src, dst, ip.TransportProtocol(), len(ip.Payload()))
	}
	fmt.Fprintf(&b, " %v", f.Fate)
	return b.String()
}

// tcpFlags writes TCP flags as tcpdump does: S, F, R, P, and "." for ACK.
func tcpFlags(fl header.TCPFlags) string {
	var s []byte
	for _, x := range []struct {
		flag header.TCPFlags
		c    byte
	}{
		{header.TCPFlagSyn, 'S'}, {header.TCPFlagFin, 'F'}, {header.TCPFlagRst, 'R'},
		{header.TCPFlagPsh, 'P'}, {header.TCPFlagAck, '.'},
	} {
		if fl.Contains(x.flag) {
			s = append(s, x.c)
		}
	}
	return string(s)
}
