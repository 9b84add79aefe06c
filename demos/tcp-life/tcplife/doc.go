// Package tcplife is the tcp-life demo: the follow-ups to "udp和tcp的区别"
// (TIME_WAIT, CLOSE_WAIT, the backlog, SYN cookies, flow and congestion
// control, Nagle), each answered by showing it where it can be seen.
//
// On the kernel, with real sockets on 127.0.0.1:
//
//   - life_linux.go closes one connection the long way and polls both ends
//     in the kernel's table through NETLINK_SOCK_DIAG (sockdiag_linux.go;
//     the messages are built and parsed in kstate.go): the states as the
//     kernel reports them, and TIME_WAIT's timer, read rather than waited
//     out.
//   - closewait_linux.go is a server that forgets to close, counted in the
//     same table; reuse_unix.go binds a port with TIME_WAIT sockets on it,
//     with and without SO_REUSEADDR; backlog_unix.go listens with a backlog
//     of 1 on a raw socket and times the clients' connect() calls.
//   - nagle.go times write–write–read exchanges with TCP_NODELAY on and off.
//
// On the lab (internal/lab: two gVisor stacks and a link the demo
// controls), with a tap that decodes every frame (wire.go):
//
//   - synflood.go injects SYNs from spoofed addresses (lab.Inject) into a
//     listener with a small backlog (labstack.go, through Host.Stack) and
//     reads the stack's SYN-cookie counters;
//   - zerowindow.go fixes the receiver's buffer and stops reading: zero
//     windows, probes and the window update, labelled as Wireshark does;
//   - congestion.go drops one chosen segment of a bulk transfer, once with
//     Reno and once with CUBIC on the same link and seed, and infers the
//     bytes in flight per round trip from the tap.
//
// Parts that need Linux (sock_diag) or Unix (raw socket calls) say so on
// other systems (kernel_other.go, unix_other.go) and the rest runs. Every
// sentence about an outcome is chosen by what was observed (show_kernel.go,
// show_lab.go); result.go is the contract tests and classrooms read.
package tcplife
