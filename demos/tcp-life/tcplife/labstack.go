package tcplife

import (
	"fmt"
	"net"

	"github.com/netdemo/netdemo/internal/lab"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// labListen listens on a lab host's port with a chosen backlog, which
// Host.Listen (always 4096, as Go asks of Linux) cannot do.
func labListen(h *lab.Host, port uint16, backlog int) (net.Listener, error) {
	s := h.Stack()
	var wq waiter.Queue
	ep, err := s.NewEndpoint(tcp.ProtocolNumber, ipv4.ProtocolNumber, &wq)
	if err != nil {
		return nil, fmt.Errorf("lab listener: %s", err)
	}
	if err := ep.Bind(tcpip.FullAddress{Addr: tcpip.AddrFrom4(h.Addr().As4()), Port: port}); err != nil {
		ep.Close()
		return nil, fmt.Errorf("lab listener: bind port %d: %s", port, err)
	}
	if err := ep.Listen(backlog); err != nil {
		ep.Close()
		return nil, fmt.Errorf("lab listener: listen: %s", err)
	}
	return gonet.NewTCPListener(s, &wq, ep), nil
}

// setCongestion picks a host's congestion control algorithm ("reno" or
// "cubic", both in gVisor) for the connections it opens from now on.
func setCongestion(h *lab.Host, name string) error {
	opt := tcpip.CongestionControlOption(name)
	if err := h.Stack().SetTransportProtocolOption(tcp.ProtocolNumber, &opt); err != nil {
		return fmt.Errorf("setting congestion control %q: %s", name, err)
	}
	return nil
}

// setReceiveBuffer fixes the receive buffer of a host's new connections to
// size bytes, with no automatic growth, so that a reader that stops
// reading closes its window after size bytes.
func setReceiveBuffer(h *lab.Host, size int) error {
	s := h.Stack()
	rb := tcpip.TCPReceiveBufferSizeRangeOption{Min: size, Default: size, Max: size}
	mod := tcpip.TCPModerateReceiveBufferOption(false)
	for _, o := range []tcpip.SettableTransportProtocolOption{&rb, &mod} {
		if err := s.SetTransportProtocolOption(tcp.ProtocolNumber, o); err != nil {
			return fmt.Errorf("setting the receive buffer: %s", err)
		}
	}
	return nil
}
