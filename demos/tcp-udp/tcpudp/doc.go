// Package tcpudp is the tcp-udp demo: "udp和tcp的区别", answered by showing
// both protocols on real sockets and measuring what they do.
//
// The run has two halves, each on the network that can show its point:
//
//   - On the kernel's loopback (127.0.0.1), real echo servers (package echo)
//     show message boundaries (three TCP writes come back in one read; three
//     UDP datagrams in three) and the datagram size limit (65,508 bytes fail
//     with EMSGSIZE; 65,535 − 20 − 8 = 65,507).
//   - On the lab (internal/lab: two gVisor TCP/IP stacks joined by a link
//     with --rtt, --loss, --reorder, ...), a tap decodes every frame
//     (internal/packet; names.go words the flags and options as the output
//     says them): the three-way handshake, N numbered messages over each
//     protocol (flows.go), TCP's retransmissions (wire.go), where each TCP
//     message's latency went, including head-of-line blocking (holdup.go),
//     and the header bytes of both.
//
// Every sentence the run prints about an outcome is chosen by what was
// observed (show.go); the result object (result.go) is the contract tests
// and classrooms read. With --serve, the echo servers stay up for nc
// (serve.go).
package tcpudp
