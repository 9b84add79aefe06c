package tcpudp

import (
	"fmt"
	"strings"
	"time"

	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/tap"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
	"github.com/netdemo/netdemo/internal/lab"
)

// This file turns observations into output. Each sentence depends on what
// the run saw: where an outcome can go either way, both wordings are here
// and the observed one is printed.

func showBoundaries(r *demo.Run, b boundaries) {
	writes := make([]string, len(threeMessages))
	for i, m := range threeMessages {
		writes[i] = fmt.Sprintf("%q", m)
	}
	r.Printf("  TCP  write(%s)", strings.Join(writes, "), write("))
	total := len(strings.Join(threeMessages, ""))
	switch {
	case len(b.TCPReads) == 1:
		r.Printf(r.T("       → 1 read() returned %s: all %d bytes at once, the boundaries between the writes are gone.",
			"       → 1 次 read() 返回 %s：%d 个字节一次读出，三次写之间的边界没有了。"), quoteReads(b.TCPReads), total)
	case len(b.TCPReads) == len(threeMessages) && strings.Join(b.TCPReads, "|") == strings.Join(threeMessages, "|"):
		r.Printf(r.T("       → %d read() calls returned %s: this time the reads happened to fall on the writes' boundaries; TCP promises nothing about it.",
			"       → %d 次 read() 返回 %s：这次读恰好落在写的边界上；TCP 对此不作任何保证。"), len(b.TCPReads), quoteReads(b.TCPReads))
	default:
		r.Printf(r.T("       → %d read() calls returned %s: cut where the stream happened to be, not where the writes were.",
			"       → %d 次 read() 返回 %s：在字节流恰好到达的位置切开，而不是按写的边界。"), len(b.TCPReads), quoteReads(b.TCPReads))
	}
	r.Printf("  UDP  send(%s)", strings.Join(writes, "), send("))
	whole := len(b.UDPReads) == len(threeMessages)
	for i := range b.UDPReads {
		whole = whole && b.UDPReads[i] == threeMessages[i]
	}
	if whole {
		r.Printf(r.T("       → %d recvfrom() calls returned %s: one datagram each, whole; a 4th recvfrom() found nothing.",
			"       → %d 次 recvfrom() 返回 %s：每次一个完整的数据报；第 4 次 recvfrom() 什么也没收到。"), len(b.UDPReads), quoteReads(b.UDPReads))
	} else {
		r.Printf(r.T("       → %d recvfrom() calls returned %s.", "       → %d 次 recvfrom() 返回 %s。"), len(b.UDPReads), quoteReads(b.UDPReads))
	}
}

func showTooBig(r *demo.Run, t tooBig) {
	r.Printf(r.T("  send(%d bytes) → error: %s", "  send(%d 字节) → 错误：%s"), maxUDPPayload+1, t.Err)
	if t.IsEMSGSIZE {
		r.Printf("%s", r.T("       that is EMSGSIZE: the kernel refused it before anything was sent.",
			"       这就是 EMSGSIZE：内核在发出任何东西之前就拒绝了它。"))
	}
	r.Printf(r.T("  the limit: 65535 (IPv4 total length, 16 bits) − 20 (IPv4 header) − 8 (UDP header) = %d bytes of payload",
		"  上限：65535（IPv4 总长度字段，16 位）− 20（IPv4 头部）− 8（UDP 头部）= %d 字节载荷"), maxUDPPayload)
	r.Measure("max_datagram", t.MaxDatagram, r.T("bytes: the largest datagram this OS sent on loopback", "字节：本机回环上实际能发出的最大数据报"))
	if t.MaxDatagram < maxUDPPayload {
		r.Printf("%s", r.T("  this OS stops below the protocol's limit (macOS: sysctl net.inet.udp.maxdgram).",
			"  本系统的上限低于协议上限（macOS：sysctl net.inet.udp.maxdgram）。"))
	}
	switch {
	case t.Read < t.Sent && t.RestLost:
		r.Printf(r.T("  a %d-byte datagram read into a %d-byte buffer → read returned %d bytes; the next read found nothing: the other %d bytes were discarded, not kept for later as TCP would.",
			"  用 %[2]d 字节的缓冲区读一个 %[1]d 字节的数据报 → read() 返回 %[3]d 字节；下一次读什么也没有：其余 %[4]d 字节被丢弃了，而不是像 TCP 那样留给下次读。"),
			t.Sent, truncBuf, t.Read, t.Sent-t.Read)
	default:
		r.Printf(r.T("  a %d-byte datagram read into a %d-byte buffer → read returned %d bytes.",
			"  用 %[2]d 字节的缓冲区读一个 %[1]d 字节的数据报 → read() 返回 %[3]d 字节。"), t.Sent, truncBuf, t.Read)
	}
}

func dirName(r *demo.Run, d netx.Direction) string {
	if d == netx.ClientToServer {
		return r.T("client → server", "客户端 → 服务器")
	}
	return r.T("server → client", "服务器 → 客户端")
}

func fateName(r *demo.Run, f lab.Fate) string {
	switch f {
	case lab.Dropped:
		return r.T("DROPPED by the link", "被链路丢弃")
	case lab.Duplicated:
		return r.T("duplicated", "被复制")
	case lab.Reordered:
		return r.T("held back (reordered)", "被延后（乱序）")
	}
	return r.T("delivered", "送达")
}

func showHandshake(r *demo.Run, op opened) {
	if len(op.Frames) == 0 {
		return
	}
	t0 := op.Frames[0].At
	var dropped []string
	for _, f := range op.Frames {
		p := f.Pkt
		at := roundMS(f.At.Sub(t0))
		r.Event("packet", map[string]any{"n": f.N, "t_ms": at, "dir": dirName(r, f.Dir), "flags": tap.FlagString(p.Flags),
			"bytes": p.Total, "options": optionNames(p.Options), "fate": fateName(r, f.Fate)})
		if f.Fate == lab.Dropped {
			dropped = append(dropped, fmt.Sprintf("#%d %s", f.N, tap.FlagString(p.Flags)))
		}
	}
	r.Frames(tap.Event("handshake", "", op.Frames))
	r.Printf(r.T("  SYN options: %s", "  SYN 选项：%s"), showOptions(r, optionNames(op.Frames[0].Pkt.Options)))
	r.Set("handshake", strings.Join(handshakeNames(op.Frames), " → "))
	if len(dropped) == 0 {
		r.Printf(r.T("  Dial returned after %.1f ms: one round trip (SYN out, SYN-ACK back) before the first byte of data may go.",
			"  Dial 用了 %.1f ms 才返回：先要一个往返（SYN 出去，SYN-ACK 回来），之后才能发第一个数据字节。"), roundMS(op.Connect))
		r.Set("handshake_note", r.T("no handshake packet was lost", "握手包没有丢失"))
	} else {
		r.Printf(r.T("  the link dropped %s: TCP waited for its retransmission timer and sent it again, so Dial took %.1f ms instead of about one RTT.",
			"  链路丢掉了 %s：TCP 等重传定时器超时后重发，所以 Dial 用了 %.1f ms，而不是约一个 RTT。"), strings.Join(dropped, ", "), roundMS(op.Connect))
		r.Set("handshake_note", fmt.Sprintf(r.T("the link dropped %s, which TCP sent again", "链路丢掉了 %s，TCP 重发了它"), strings.Join(dropped, ", ")))
	}
}

func yesNo(r *demo.Run, b bool) string {
	if b {
		return r.T("yes", "是")
	}
	return r.T("no", "否")
}

func showDelivery(r *demo.Run, res result) {
	t, u := res.TCP, res.UDP
	r.Event("delivery", map[string]any{"tcp": t, "udp": u})
	r.Table(event.NewTable("delivery", "", r.T("sent", "发送"), r.T("delivered", "送达"), r.T("lost", "丢失"),
		r.T("in order", "按序"), r.T("frames dropped", "被丢的帧"), r.T("retransmissions", "重传")).
		Row("TCP", t.Sent, t.Delivered, t.Sent-t.Delivered, t.InOrder, t.DroppedData, t.Retransmissions).
		Row("UDP", u.Sent, u.Delivered, u.Lost, u.Reordered == 0, u.DroppedData, nil))
	outcome := fmt.Sprintf(r.T("%d of %d arrived (in order: %s)", "%d/%d 条送达（按序：%s）"), t.Delivered, t.Sent, yesNo(r, t.InOrder))
	switch {
	case t.StoppedEarly:
		outcome = fmt.Sprintf(r.T("%d of %d arrived before the demo stopped waiting (--budget); TCP was still retransmitting the rest",
			"在演示停止等待（--budget）之前送达了 %d/%d 条；其余的 TCP 仍在重传"), t.Delivered, t.Sent)
	case t.Delivered == t.Sent && t.InOrder:
		outcome = fmt.Sprintf(r.T("all %d arrived, in the order sent", "%d 条全部送达，且顺序与发送一致"), t.Sent)
	}
	r.Set("tcp_outcome", outcome)
	r.Printf(r.T("  TCP: %s; the link dropped %d of its data frames and the tap saw %d segments sent again.",
		"  TCP：%s；链路丢了它 %d 个数据帧，抓包看到 %d 个段被重新发送。"), outcome, t.DroppedData, t.Retransmissions)
	r.Printf(r.T("  UDP: %d of %d arrived, %d lost (the link dropped %d datagrams and nothing sent them again), %d arrived after a higher-numbered one.",
		"  UDP：%d/%d 条送达，丢了 %d 条（链路丢了 %d 个数据报，没有谁重发），%d 条比编号更大的消息晚到。"), u.Delivered, u.Sent, u.Lost, u.DroppedData, u.Reordered)
	if u.FirstPayload > 0 {
		r.Printf(r.T("  UDP's first frame on the wire already carried %d bytes: message 0 itself. No handshake.",
			"  UDP 在链路上的第一个帧就带着 %d 字节数据：就是第 0 条消息本身。没有握手。"), u.FirstPayload)
	}
}

func showLatency(r *demo.Run, res result) {
	t, u := res.TCP, res.UDP
	r.Table(event.NewTable("latency", "", "p50|ms", "p99|ms").
		Row("TCP", t.P50MS, t.P99MS).
		Row("UDP", u.P50MS, u.P99MS))
	r.Printf(r.T("  one-way delay of the link: %.1f ms. Latency = write() in the client to read() in the server, both timed in this process.",
		"  链路单向延迟：%.1f ms。延迟 = 客户端 write() 到服务器 read()，两端都在本进程内计时。"), res.Link.RTTMS/2)
	limit := blockedAfter(rLink(res))
	var note string
	if t.HOLBlocked > 0 {
		note = fmt.Sprintf(r.T("%d TCP messages sat complete in the server's receive buffer for more than %v, unreadable behind an earlier segment that was lost or late, up to %.1f ms: head-of-line blocking",
			"%d 条 TCP 消息已经完整到达服务器的接收缓冲区，却因为前面有一个丢失或迟到的段而读不出来，等了超过 %v，最长 %.1f ms：这就是队头阻塞"), t.HOLBlocked, limit, t.HOLWaitMaxMS)
	} else {
		note = fmt.Sprintf(r.T("no TCP message waited more than %v behind a gap this run", "这次没有 TCP 消息因前面的空缺而等待超过 %v"), limit)
	}
	r.Set("hol_note", note)
	r.Printf("  %s%s", note, r.T(".", "。"))
	r.Printf(r.T("  TCP messages also waited in the sender, before the copy that arrived went out (a full congestion window, or the first copy lost): up to %.1f ms. A UDP datagram never waits for another.",
		"  TCP 消息还会在发送端等待，直到最终到达的那一份被发出（拥塞窗口满了，或第一份丢了）：最长 %.1f ms。UDP 数据报从不等待别的数据报。"), t.SenderWaitMax)
}

// rLink rebuilds the link's RTT from the result, for the threshold.
func rLink(res result) lab.Link {
	return lab.Link{RTT: time.Duration(res.Link.RTTMS * float64(time.Millisecond))}
}

func showOverhead(r *demo.Run, res result, tw, uw wireCount) {
	t, u := res.TCP, res.UDP
	ratio := func(wire, payload int) float64 {
		if payload == 0 {
			return 0
		}
		return float64(wire) / float64(payload)
	}
	r.Table(event.NewTable("overhead", "", r.T("packets", "包数"), r.T("bytes on wire", "线上字节"), r.T("message bytes", "消息字节"), r.T("wire/message", "线上/消息")).
		Row("TCP", t.Frames, t.WireBytes, t.PayloadBytes, ratio(t.WireBytes, t.PayloadBytes)).
		Row("UDP", u.Frames, u.WireBytes, u.PayloadBytes, ratio(u.WireBytes, u.PayloadBytes)))
	r.Measure("tcp_header", t.HeaderBytes, r.T("bytes of TCP header in a data segment (20 fixed + options)", "字节：数据段的 TCP 头部（20 固定 + 选项）"))
	r.Measure("udp_header", u.HeaderBytes, r.T("bytes of UDP header", "字节：UDP 头部"))
	r.Printf(r.T("  per 100-byte message: IPv4 %d + TCP %d = %d bytes of headers, vs IPv4 %d + UDP %d = %d.",
		"  每条 100 字节的消息：IPv4 %d + TCP %d = %d 字节头部，对比 IPv4 %d + UDP %d = %d。"),
		tw.IPHeader, t.HeaderBytes, tw.IPHeader+t.HeaderBytes, uw.IPHeader, u.HeaderBytes, uw.IPHeader+u.HeaderBytes)
	opts := showOptions(r, tw.Options)
	if tw.Options == "" {
		opts = r.T("none", "无")
	}
	r.Set("tcp_options", opts)
	r.Printf(r.T("  TCP's %d header bytes beyond the fixed 20 are options: %s.",
		"  TCP 头部固定 20 字节之外的 %d 字节是选项：%s。"), max(t.HeaderBytes-20, 0), opts)
	rest := t.Frames - tw.DataFrames - t.PureACKs
	restIs := fmt.Sprintf(r.T("the other %d were the handshake", "其余 %d 个是握手"), rest)
	if rest != len(t.Handshake) {
		restIs = fmt.Sprintf(r.T("the other %d were the handshake and other control packets", "其余 %d 个是握手和其他控制包"), rest)
	}
	r.Printf(r.T("  TCP's %[1]d packets for %[2]d messages: %[3]d carried data (%[4]d of them retransmissions; one segment may hold several messages that queued up), %[5]d were pure ACKs coming back, %[6]s. UDP's %[7]d packets are the datagrams, nothing else.",
		"  TCP 为 %[2]d 条消息发了 %[1]d 个包：%[3]d 个带数据（其中 %[4]d 个是重传；排队的几条消息可能装进同一个段），%[5]d 个是反方向的纯 ACK，%[6]s。UDP 的 %[7]d 个包就是数据报本身，别无其他。"),
		t.Frames, t.Sent, tw.DataFrames, t.Retransmissions, t.PureACKs, restIs, u.Frames)
	r.Set("tcp_ratio", fmt.Sprintf("%.2f", ratio(t.WireBytes, t.PayloadBytes)))
	r.Set("udp_ratio", fmt.Sprintf("%.2f", ratio(u.WireBytes, u.PayloadBytes)))
}
