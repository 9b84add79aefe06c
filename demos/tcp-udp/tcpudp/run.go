package tcpudp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/netdemo/netdemo/internal/tap"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/packet"
	"github.com/netdemo/netdemo/internal/servers/echo"
)

// run shows the differences in two places: first on the kernel's own
// loopback (real sockets, real system calls: message boundaries and the
// datagram size limit), then on the lab's lossy link (the handshake, loss,
// order, latency and header bytes, seen packet by packet in the tap).
func run(ctx context.Context, r *demo.Run) error {
	p := demo.ParamsOf[*params](r)
	n := p.Messages
	var res result

	// 1. Real echo servers on the kernel's loopback.
	r.Step("echo", r.T("Two echo servers on 127.0.0.1: one TCP, one UDP", "127.0.0.1 上的两个回显服务器：一个 TCP，一个 UDP"))
	srv, err := echo.Listen(ctx, netx.Loopback, "127.0.0.1:0", echo.Config{})
	if err != nil {
		return fmt.Errorf("starting the echo servers: %w", err)
	}
	r.OnClose(func() { srv.Close() })
	r.Printf(r.T("  TCP echo listening on %v, UDP echo bound to %v: one port number, two separate sockets.",
		"  TCP 回显监听 %v，UDP 回显绑定 %v：同一个端口号，两个独立的套接字。"), srv.TCPAddr(), srv.UDPAddr())

	// 2. Byte stream vs datagrams.
	r.Step("boundaries", r.T("Three writes: one byte stream vs three datagrams", "三次写：一条字节流，还是三个数据报"))
	b, err := observeBoundaries(ctx, srv)
	if err != nil {
		return err
	}
	showBoundaries(r, b)
	res.Boundaries = boundaryResult{TCPWrites: len(threeMessages), TCPReads: len(b.TCPReads), UDPSends: len(threeMessages), UDPReads: len(b.UDPReads)}
	r.Measure("tcp_reads", len(b.TCPReads), r.T("read() calls for 3 TCP writes", "次 read()（3 次 TCP 写）"))
	r.Measure("udp_reads", len(b.UDPReads), r.T("recvfrom() calls for 3 UDP sends", "次 recvfrom()（3 次 UDP 发送）"))

	// 3. A datagram too big.
	r.Step("too-big", r.T("A datagram too big for UDP", "超过 UDP 上限的数据报"))
	tb, err := observeTooBig(ctx, srv)
	if err != nil {
		return err
	}
	showTooBig(r, tb)
	res.UDP.MaxDatagram, res.UDP.TooBigError, res.UDP.Truncated = tb.MaxDatagram, tb.Err, tb.RestLost && tb.Read < tb.Sent

	// 4-7 run on the lab.
	l, err := r.NewLab()
	if err != nil {
		return err
	}
	rec := tap.Record(l, nil)
	defer rec.Stop()
	link := r.Link
	res.Link = linkResult{RTTMS: roundMS(link.RTT), Loss: link.Loss, Seed: r.Seed, Reorder: link.Reorder}

	r.Step("handshake", r.T("TCP opens a connection; UDP just sends", "TCP 先建立连接；UDP 直接发"))
	r.Printf(r.T("  lab link: RTT %v, loss %g, reorder %g, seed %d (client.test %v ⇄ server.test %v)",
		"  实验网络链路：RTT %v，丢包率 %g，乱序率 %g，种子 %d（client.test %v ⇄ server.test %v）"),
		link.RTT, link.Loss, link.Reorder, r.Seed, lab.ClientAddr, lab.ServerAddr)
	tln, err := l.Server().Listen(ctx, "tcp", ":9000")
	if err != nil {
		return fmt.Errorf("listening on the lab server: %w", err)
	}
	defer tln.Close()
	upc, err := l.Server().ListenPacket(ctx, "udp", ":9000")
	if err != nil {
		return fmt.Errorf("listening for UDP on the lab server: %w", err)
	}
	defer upc.Close()

	op, err := openTCP(ctx, l, rec, tln)
	if err != nil {
		return err
	}
	defer op.Client.Close()
	if len(op.Frames) == 0 {
		return errors.New("the tap saw no frame of the TCP handshake")
	}
	defer op.Server.Close()
	showHandshake(r, op)
	res.TCPConnectMS = roundMS(op.Connect)
	res.TCP.Handshake = handshakeNames(op.Frames)
	res.TCP.SYNs = countSYNs(op.Frames)
	r.Measure("tcp_connect_ms", res.TCPConnectMS, "ms")

	udpBefore := len(tap.Select(rec.Frames(), tap.Proto(packet.UDP)))
	uc, err := l.Client().Dial(ctx, "udp", net.JoinHostPort(lab.ServerName, "9000"))
	if err != nil {
		return fmt.Errorf("dialing UDP across the lab: %w", err)
	}
	defer uc.Close()
	res.UDP.DialFrames = len(tap.Select(rec.Frames(), tap.Proto(packet.UDP))) - udpBefore
	r.Printf(r.T("  UDP: Dial(\"udp\", \"server.test:9000\") returned at once and put %d frames on the wire: it only noted the peer's address.",
		"  UDP：Dial(\"udp\", \"server.test:9000\") 立即返回，链路上出现 %d 个帧：它只是在本地记下了对端地址。"), res.UDP.DialFrames)

	// 5. N numbered messages over each.
	r.Step("delivery", r.T(fmt.Sprintf("%d numbered messages over each, one every %v", n, gap), fmt.Sprintf("各发 %d 条编号消息，每 %v 一条", n, gap)))
	td, err := sendTCP(ctx, op.Client, op.Server, n, p.Budget, func(got int) {
		r.Progress(r.T("TCP: messages delivered so far", "TCP：已送达的消息"), got, n)
	})
	r.ProgressDone()
	if err != nil {
		return fmt.Errorf("TCP messages: %w", err)
	}
	if td.StoppedAfter > 0 {
		r.Printf(r.T("  Stopped waiting after %.1f s (--budget %v): TCP had delivered %d of %d messages; on a link this lossy its retransmission timer doubles after each loss, and it would keep trying for minutes. The figures below are for what arrived.",
			"  等了 %.1f 秒后不再等待（--budget %v）：TCP 已送达 %d/%d 条消息；在丢包这么严重的链路上，它的重传定时器每丢一次就翻倍，还会再试好几分钟。下面的数字只算已经到达的。"),
			td.StoppedAfter.Seconds(), p.Budget, td.Delivered, n)
		res.TCP.StoppedEarly = true
	}
	// How long UDP's receiver listens after the last send at most: the
	// trip, the jitter, a reordered datagram's hold, with --rate the time for
	// the queue of datagrams to drain, and then a second for a busy machine.
	// Usually the receiver stops much earlier: when it has every datagram
	// the tap saw the link let through.
	quiet := link.RTT + 2*link.Jitter + time.Second
	if link.RateBPS > 0 {
		quiet += time.Duration(float64(n*(msgSize+28)*8) / float64(link.RateBPS) * float64(time.Second))
	}
	uport, sport := netx.Port(uc.LocalAddr()), netx.Port(uc.RemoteAddr())
	onWire := func() int {
		k := 0
		for _, f := range tap.Select(rec.Frames(), tap.Flow(packet.UDP, uport, sport)) {
			if f.Dir == netx.ClientToServer && f.Fate != lab.Dropped {
				k++
			}
		}
		return k
	}
	ud, err := sendUDP(ctx, uc, upc, n, quiet, onWire)
	if err != nil {
		return fmt.Errorf("UDP messages: %w", err)
	}
	frames := rec.Frames()
	tcpFlow := tap.Select(frames, tap.Flow(packet.TCP, netx.Port(op.Client.LocalAddr()), netx.Port(op.Client.RemoteAddr())))
	udpFlow := tap.Select(frames, tap.Flow(packet.UDP, netx.Port(uc.LocalAddr()), netx.Port(uc.RemoteAddr())))
	tw, uw := countWire(tcpFlow), countWire(udpFlow)
	// Every frame of both flows, for a ladder of the whole transfer (the
	// text view sums a list this long up in a line).
	r.Frames(tap.Event("delivery", r.T("every frame of the numbered messages", "编号消息的每一个帧"), tap.Select(frames, func(f tap.Frame) bool {
		return tap.Flow(packet.TCP, netx.Port(op.Client.LocalAddr()), netx.Port(op.Client.RemoteAddr()))(f) ||
			tap.Flow(packet.UDP, netx.Port(uc.LocalAddr()), netx.Port(uc.RemoteAddr()))(f)
	})))

	res.TCP.Sent, res.TCP.Delivered, res.TCP.InOrder = td.Sent, td.Delivered, td.InOrder
	res.TCP.Retransmissions = retransmissions(tcpFlow)
	res.TCP.P50MS, res.TCP.P99MS = percentileMS(td.Latency, 50), percentileMS(td.Latency, 99)
	hu := splitTCP(tcpFlow, op.Frames[0].Pkt.Seq, n, link, td.WriteAt, td.ReadAt)
	res.TCP.HOLBlocked, res.TCP.HOLWaitMaxMS, res.TCP.SenderWaitMax = hu.Blocked, maxMS(hu.Behind), maxMS(hu.Sender)
	res.TCP.DroppedData, res.TCP.HeaderBytes = tw.Dropped, tw.HeaderBytes
	res.TCP.PureACKs = tw.PureACKs
	res.TCP.Frames, res.TCP.WireBytes, res.TCP.PayloadBytes = tw.Frames, tw.Bytes, td.Sent*msgSize

	res.UDP.Sent, res.UDP.Delivered, res.UDP.Lost, res.UDP.Reordered = ud.Sent, ud.Delivered, ud.Sent-ud.Delivered, ud.Reordered
	res.UDP.Duplicates = ud.Dups
	res.UDP.P50MS, res.UDP.P99MS = percentileMS(ud.Latency, 50), percentileMS(ud.Latency, 99)
	res.UDP.DroppedData, res.UDP.HeaderBytes = uw.Dropped, uw.HeaderBytes
	res.UDP.Frames, res.UDP.WireBytes, res.UDP.PayloadBytes = uw.Frames, uw.Bytes, ud.Sent*msgSize
	if len(udpFlow) > 0 {
		res.UDP.FirstPayload = len(udpFlow[0].Pkt.Payload)
	}
	showDelivery(r, res)

	// 6. Latency.
	r.Step("latency", r.T("Per-message latency: head-of-line blocking in TCP's tail", "每条消息的延迟：TCP 尾部的队头阻塞"))
	showLatency(r, res)

	// 7. Header bytes.
	r.Step("overhead", r.T("Header bytes, counted from the packets on the wire", "头部开销：从链路上的真实包算出"))
	showOverhead(r, res, tw, uw)

	r.Result(res)
	return nil
}

// quoteReads shows what each read returned: "one\ntwo\n" as Go quotes it.
func quoteReads(reads []string) string {
	q := make([]string, len(reads))
	for i, s := range reads {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
