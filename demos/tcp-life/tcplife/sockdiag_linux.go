//go:build linux

package tcplife

import (
	"fmt"
	"net/netip"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// diag asks the Linux kernel about its TCP sockets over NETLINK_SOCK_DIAG,
// the interface ss(8) uses. An exact lookup by 4-tuple costs microseconds
// whatever the number of sockets on the machine, where reading
// /proc/net/tcp costs milliseconds per ten thousand: fast enough to poll a
// connection while it changes state.
type diag struct {
	mu  sync.Mutex
	fd  int
	seq uint32
	buf []byte
}

func openDiag() (*diag, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		// A sandbox (gVisor, some containers) may refuse NETLINK_SOCK_DIAG:
		// then, as on other systems, the table cannot be shown.
		return nil, fmt.Errorf("%w (opening a NETLINK_SOCK_DIAG socket: %v)", errNoKernelTable, err)
	}
	return &diag{fd: fd, buf: make([]byte, 1<<16)}, nil
}

func (d *diag) Close() error { return unix.Close(d.fd) }

// lookup returns the socket whose local end is local and remote end remote,
// or errNoSocket when the kernel has none (closed, or never existed).
func (d *diag) lookup(local, remote netip.AddrPort) (sock, error) {
	socks, err := d.ask(false, ^uint32(0), local, remote)
	if err != nil {
		return sock{}, err
	}
	for _, s := range socks {
		if s.Local == local && s.Remote == remote {
			return s, nil
		}
	}
	// An exact lookup may find the listener on the port once the
	// connection is gone: that is not the socket asked about.
	return sock{}, errNoSocket
}

// dump returns every IPv4 TCP socket in one of the states.
func (d *diag) dump(states ...kstate) ([]sock, error) {
	var mask uint32
	for _, s := range states {
		mask |= 1 << s
	}
	return d.ask(true, mask, netip.AddrPort{}, netip.AddrPort{})
}

func (d *diag) ask(dump bool, mask uint32, local, remote netip.AddrPort) ([]sock, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seq++
	req := diagRequest(d.seq, dump, mask, local, remote)
	if err := unix.Sendto(d.fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, fmt.Errorf("sock_diag request: %w", err)
	}
	var all []sock
	for {
		n, _, err := unix.Recvfrom(d.fd, d.buf, 0)
		if err != nil {
			return nil, fmt.Errorf("sock_diag answer: %w", err)
		}
		socks, done, err := parseDiag(d.buf[:n], dump)
		all = append(all, socks...)
		if err != nil {
			return all, err
		}
		if done {
			return all, nil
		}
	}
}

// timeWaitOn counts the sockets in TIME_WAIT on a local port of 127.0.0.1.
func timeWaitOn(port uint16) (int, error) {
	d, err := openDiag()
	if err != nil {
		return 0, err
	}
	defer d.Close()
	socks, err := d.dump(kTimeWait)
	n := 0
	for _, s := range socks {
		if s.Local.Port() == port {
			n++
		}
	}
	return n, err
}

// listenOverflows is the kernel's count of SYNs and ACKs dropped because a
// listener's accept queue was full (TcpExtListenOverflows), machine-wide.
func listenOverflows() (uint64, bool) {
	b, err := os.ReadFile("/proc/net/netstat")
	if err != nil {
		return 0, false
	}
	return parseNetstat(string(b), "TcpExt", "ListenOverflows")
}

// kernelSYNSchedule reads how this kernel spaces SYN retransmissions. A
// kernel without tcp_syn_linear_timeouts doubles from the start.
func kernelSYNSchedule() synSchedule {
	b, err := os.ReadFile("/proc/sys/net/ipv4/tcp_syn_linear_timeouts")
	if err != nil {
		return synSchedule{Known: true}
	}
	n, ok := parseSysctl(string(b))
	return synSchedule{Linear: n, Known: ok}
}
