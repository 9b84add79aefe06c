//go:build linux

package live

import (
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"
	"unsafe"
)

// ethPIP is ETH_P_IP in network byte order, as packet(7) wants the
// protocol: the socket then receives IPv4 frames only.
var ethPIP = htons(syscall.ETH_P_IP)

func htons(v uint16) uint16 {
	var b [2]byte
	b[0], b[1] = byte(v>>8), byte(v)
	return *(*uint16)(unsafe.Pointer(&b[0]))
}

// pollInterval bounds how long one read blocks (SO_RCVTIMEO), so that the
// reader notices Stop.
const pollInterval = 50 * time.Millisecond

type rawSocket struct {
	fd  int
	oob []byte
}

// openSource opens an AF_PACKET socket bound to ifname.
func openSource(ifname string) (source, error) {
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		return nil, fmt.Errorf("finding interface %s: %w", ifname, err)
	}
	fd, err := syscall.Socket(syscall.AF_PACKET, syscall.SOCK_RAW|syscall.SOCK_CLOEXEC, int(ethPIP))
	if err != nil {
		if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES) {
			return nil, fmt.Errorf("%w (%v)", ErrPermission, err)
		}
		return nil, fmt.Errorf("opening a packet socket: %w", err)
	}
	s := &rawSocket{fd: fd, oob: make([]byte, syscall.CmsgSpace(int(unsafe.Sizeof(syscall.Timespec{}))))}
	if err := s.setup(ifi.Index); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	return s, nil
}

func (s *rawSocket) setup(ifindex int) error {
	if err := syscall.Bind(s.fd, &syscall.SockaddrLinklayer{Protocol: ethPIP, Ifindex: ifindex}); err != nil {
		return fmt.Errorf("binding the packet socket to the loopback: %w", err)
	}
	tv := syscall.NsecToTimeval(pollInterval.Nanoseconds())
	if err := syscall.SetsockoptTimeval(s.fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv); err != nil {
		return fmt.Errorf("setting the read timeout: %w", err)
	}
	// The kernel's receive timestamps, as tcpdump records them; without
	// them we would stamp packets when this goroutine got to them.
	syscall.SetsockoptInt(s.fd, syscall.SOL_SOCKET, syscall.SO_TIMESTAMPNS, 1)
	// Room for a burst while other programs also talk on the loopback.
	syscall.SetsockoptInt(s.fd, syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4<<20)
	return nil
}

func (s *rawSocket) read(buf []byte) (int, uint8, time.Time, error) {
	n, oobn, _, from, err := syscall.Recvmsg(s.fd, buf, s.oob, 0)
	if err != nil {
		if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR) {
			return 0, 0, time.Time{}, errTimeout
		}
		return 0, 0, time.Time{}, err
	}
	var pkttype uint8
	if ll, ok := from.(*syscall.SockaddrLinklayer); ok {
		pkttype = ll.Pkttype
	}
	return n, pkttype, stamp(s.oob[:oobn]), nil
}

// stamp reads the SO_TIMESTAMPNS control message, or returns now.
func stamp(oob []byte) time.Time {
	msgs, err := syscall.ParseSocketControlMessage(oob)
	if err == nil {
		for _, m := range msgs {
			if m.Header.Level == syscall.SOL_SOCKET && m.Header.Type == syscall.SO_TIMESTAMPNS && len(m.Data) >= int(unsafe.Sizeof(syscall.Timespec{})) {
				ts := (*syscall.Timespec)(unsafe.Pointer(&m.Data[0]))
				return time.Unix(ts.Unix())
			}
		}
	}
	return time.Now()
}

func (s *rawSocket) close() error { return syscall.Close(s.fd) }
