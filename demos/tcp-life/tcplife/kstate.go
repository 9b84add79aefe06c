package tcplife

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
)

// kstate is a TCP state as Linux numbers it (include/net/tcp_states.h),
// which is also how sock_diag and /proc/net/tcp report it.
type kstate uint8

const (
	kEstablished kstate = 1
	kSynSent     kstate = 2
	kSynRecv     kstate = 3
	kFinWait1    kstate = 4
	kFinWait2    kstate = 5
	kTimeWait    kstate = 6
	kClose       kstate = 7
	kCloseWait   kstate = 8
	kLastAck     kstate = 9
	kListen      kstate = 10
	kClosing     kstate = 11
	kNewSynRecv  kstate = 12
)

// String names the state as netstat and ss do, with RFC 9293's words
// joined by underscores.
func (s kstate) String() string {
	switch s {
	case kEstablished:
		return "ESTABLISHED"
	case kSynSent:
		return "SYN_SENT"
	case kSynRecv, kNewSynRecv:
		return "SYN_RECV"
	case kFinWait1:
		return "FIN_WAIT_1"
	case kFinWait2:
		return "FIN_WAIT_2"
	case kTimeWait:
		return "TIME_WAIT"
	case kClose:
		return "CLOSED"
	case kCloseWait:
		return "CLOSE_WAIT"
	case kLastAck:
		return "LAST_ACK"
	case kListen:
		return "LISTEN"
	case kClosing:
		return "CLOSING"
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// sock is what sock_diag says about one socket (struct inet_diag_msg).
type sock struct {
	State   kstate
	Timer   uint8  // 1 retransmit, 2 keepalive, 3 TIME_WAIT, 4 zero-window probe
	Expires uint32 // milliseconds until that timer fires
	Local   netip.AddrPort
	Remote  netip.AddrPort
	RQueue  uint32
	WQueue  uint32
}

// Netlink and sock_diag constants (linux/netlink.h, linux/sock_diag.h).
const (
	nlmsgHdrLen      = 16
	nlmsgError       = 2
	nlmsgDone        = 3
	sockDiagByFamily = 20
	diagMsgLen       = 72 // struct inet_diag_msg
	diagReqLen       = 56 // struct inet_diag_req_v2
)

// errNoSocket is the kernel's ENOENT for an exact lookup: no such socket.
var errNoSocket = errors.New("no such socket")

// diagRequest builds one SOCK_DIAG_BY_FAMILY request for IPv4 TCP. With
// dump false it asks for exactly the socket whose local and remote ends are
// given; with dump true, for every socket in one of states (a bit mask by
// kstate).
func diagRequest(seq uint32, dump bool, states uint32, local, remote netip.AddrPort) []byte {
	b := make([]byte, nlmsgHdrLen+diagReqLen)
	ne := binary.NativeEndian
	ne.PutUint32(b[0:], uint32(len(b)))
	ne.PutUint16(b[4:], sockDiagByFamily)
	flags := uint16(0x1) // NLM_F_REQUEST
	if dump {
		flags |= 0x300 // NLM_F_DUMP
	}
	ne.PutUint16(b[6:], flags)
	ne.PutUint32(b[8:], seq)
	r := b[nlmsgHdrLen:]
	r[0] = 2 // AF_INET
	r[1] = 6 // IPPROTO_TCP
	ne.PutUint32(r[4:], states)
	id := r[8:]
	binary.BigEndian.PutUint16(id[0:], local.Port())
	binary.BigEndian.PutUint16(id[2:], remote.Port())
	if local.Addr().Is4() {
		a := local.Addr().As4()
		copy(id[4:8], a[:])
	}
	if remote.Addr().Is4() {
		a := remote.Addr().As4()
		copy(id[20:24], a[:])
	}
	// The cookie: INET_DIAG_NOCOOKIE, "any socket with this 4-tuple".
	ne.PutUint32(id[40:], ^uint32(0))
	ne.PutUint32(id[44:], ^uint32(0))
	return b
}

// parseDiag reads the netlink messages of one receive. It returns the
// sockets described, whether the answer is complete (NLMSG_DONE, an error,
// or the one answer of an exact lookup) and the kernel's error, if any.
// It never panics on malformed input: every length is checked.
func parseDiag(b []byte, dump bool) (socks []sock, done bool, err error) {
	ne := binary.NativeEndian
	for len(b) >= nlmsgHdrLen {
		n := int(ne.Uint32(b[0:]))
		typ := ne.Uint16(b[4:])
		if n < nlmsgHdrLen || n > len(b) {
			return socks, true, fmt.Errorf("netlink message of %d bytes in a %d-byte answer", n, len(b))
		}
		body := b[nlmsgHdrLen:n]
		switch typ {
		case nlmsgDone:
			return socks, true, nil
		case nlmsgError:
			if len(body) < 4 {
				return socks, true, errors.New("short netlink error message")
			}
			code := int32(ne.Uint32(body))
			switch {
			case code == 0:
				return socks, true, nil
			case code == -2: // ENOENT
				return socks, true, errNoSocket
			}
			return socks, true, fmt.Errorf("sock_diag: errno %d", -code)
		case sockDiagByFamily:
			if len(body) < diagMsgLen {
				return socks, true, fmt.Errorf("inet_diag_msg of %d bytes, want %d", len(body), diagMsgLen)
			}
			socks = append(socks, decodeDiagMsg(body))
			if !dump {
				done = true
			}
		}
		// Messages are padded to 4 bytes.
		adv := (n + 3) &^ 3
		if adv > len(b) {
			adv = len(b)
		}
		b = b[adv:]
	}
	return socks, done, nil
}

// decodeDiagMsg decodes a struct inet_diag_msg of at least diagMsgLen bytes.
func decodeDiagMsg(m []byte) sock {
	ne := binary.NativeEndian
	id := m[4:52]
	var la, ra [4]byte
	copy(la[:], id[4:8])
	copy(ra[:], id[20:24])
	return sock{
		State:   kstate(m[1]),
		Timer:   m[2],
		Local:   netip.AddrPortFrom(netip.AddrFrom4(la), binary.BigEndian.Uint16(id[0:])),
		Remote:  netip.AddrPortFrom(netip.AddrFrom4(ra), binary.BigEndian.Uint16(id[2:])),
		Expires: ne.Uint32(m[52:]),
		RQueue:  ne.Uint32(m[56:]),
		WQueue:  ne.Uint32(m[60:]),
	}
}
