package tracedemo

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/trace"
)

// setPlaceholders fills the numbers "What you just saw" quotes, each read
// from this run's packets. A value the capture did not show (a handshake
// cut by loss, say) is filled with a dash rather than a guess.
func setPlaceholders(r *demo.Run, c *capture, a *analysis) {
	dash := "—"
	src := r.T("the virtual lab", "虚拟实验网络")
	if c.Live {
		src = r.T("the kernel's loopback", "内核回环网卡")
	}
	r.Set("source", src)
	r.Set("protocols", strings.Join(a.protocols(), ", "))

	// The TCP connection of the exchange is the first flow with a SYN.
	var syn, synack *trace.Packet
	for i := range a.Packets {
		p := &a.Packets[i]
		if p.Protocol == "TCP" && hasFlag(*p, "SYN") {
			if !hasFlag(*p, "ACK") && syn == nil {
				syn = p
			} else if hasFlag(*p, "ACK") && synack == nil {
				synack = p
			}
		}
	}
	r.Set("syn_number", numOr(syn, dash))
	r.Set("synack_number", numOr(synack, dash))
	r.Set("syn_options", optionsOf(syn, dash))
	r.Set("synack_options", optionsOf(synack, dash))
	rtt := dash
	for _, f := range a.Flows {
		if f.Protocol == "TCP" && f.RTT > 0 {
			rtt = fmt.Sprintf("%.1f", ms(f.RTT))
			break
		}
	}
	r.Set("handshake_rtt_ms", rtt)

	// "Why ACK numbers jump": the client's first data segment and the
	// server's first ACK that covers it.
	firstLen, firstAck, firstWhat := dash, dash, dash
	for i, p := range a.Packets {
		if p.FromClient && p.Len > 0 && (p.Protocol != "UDP") && p.Seq == 1 {
			firstLen = fmt.Sprint(p.Len)
			firstWhat = strings.TrimSpace(p.Protocol + " " + p.Info)
			for _, q := range a.Packets[i+1:] {
				if !q.FromClient && q.Protocol != "UDP" && q.Ack >= 1+uint32(p.Len) {
					firstAck = fmt.Sprint(q.Ack)
					break
				}
			}
			break
		}
	}
	r.Set("first_data_len", firstLen)
	r.Set("first_data_ack", firstAck)
	r.Set("first_data_what", firstWhat)

	// The teardown: packets from the first FIN to the end of the TCP flow.
	fins, teardown := 0, 0
	started := false
	for _, p := range a.Packets {
		if p.Protocol == "UDP" || p.Flow != tcpFlow(a) {
			continue
		}
		if hasFlag(p, "FIN") {
			fins++
			started = true
		}
		if started {
			teardown++
		}
	}
	r.Set("fin_count", fins)
	r.Set("teardown_packets", teardown)
	r.Set("teardown_story", teardownStory(r, a, fins, teardown))
	r.Set("retrans_story", retransStory(r, c, a))
	r.Set("rerun_loss", rerunLoss(r, c, a))
}

// teardownStory says in one sentence how this run's TCP connection ended,
// from the packets: four packets, three (FIN piggybacked on the ACK), or a
// reset.
func teardownStory(r *demo.Run, a *analysis, fins, packets int) string {
	resets := a.count(func(p trace.Packet) bool { return hasFlag(p, "RST") })
	switch {
	case resets > 0 && fins > 0:
		return fmt.Sprintf(r.T(
			"both sides sent FIN, but then %d RST segment(s) followed: data (with --tls, the server's encrypted close_notify) reached a socket the client had already closed, and a closed socket answers data with RST (RFC 9293 §3.5.2)",
			"双方都发了 FIN，但随后又出现了 %d 个 RST：有数据（--tls 时是服务端加密的 close_notify）到达了客户端已经关闭的套接字，而已关闭的套接字收到数据就回 RST（RFC 9293 §3.5.2）"), resets)
	case resets > 0:
		return fmt.Sprintf(r.T("the connection ended with %d RST segment(s) instead of the FIN exchange", "连接以 %d 个 RST 结束，没有走 FIN 流程"), resets)
	case a.Summary.Teardowns > 0:
		if packets == 3 {
			return r.T("a clean close in three packets: the server's ACK and FIN went in one segment", "干净的关闭，只用了三个包：服务端的 ACK 和 FIN 合在了一个段里")
		}
		return r.T("a clean close, FIN → ACK in each direction, each direction closed and acknowledged separately", "干净的关闭：每个方向各一次 FIN → ACK，两个方向分别关闭、分别确认")
	}
	return r.T("the capture ended before the teardown completed", "抓包结束时挥手还没有完成")
}

// retransStory quotes the first retransmission of the run, or says there
// was none and what loss the link was set to.
func retransStory(r *demo.Run, c *capture, a *analysis) string {
	for _, p := range a.Packets {
		for _, l := range p.Labels {
			if strings.Contains(l, "Retransmission") {
				return fmt.Sprintf(r.T("%d retransmission(s); the first is packet %d: %s", "共 %d 次重传；第一次是第 %d 个包：%s"),
					a.Summary.Retransmissions, p.Number, p.Note)
			}
		}
	}
	switch {
	case c.Live:
		return r.T("No retransmission in this run: the kernel's loopback lost nothing",
			"本次没有重传：内核回环网卡什么也没丢")
	case c.Link.Loss > 0:
		return fmt.Sprintf(r.T("No retransmission in this run: at --loss %g none of the link's drops hit a segment TCP had to send again",
			"本次没有重传：在 --loss %g 下，链路丢掉的帧里没有一个是 TCP 必须重发的报文段"), c.Link.Loss)
	}
	return r.T("No retransmission in this run: the link was set to lose nothing (re-run with --loss 0.05 to see some)",
		"本次没有重传：链路设置为不丢包（用 --loss 0.05 再跑一次就能看到）")
}

// rerunLoss is the start of the closing suggestion: which flag would show
// retransmissions, given the loss this run had and what it showed.
func rerunLoss(r *demo.Run, c *capture, a *analysis) string {
	switch {
	case c.Live:
		return r.T("Re-run without --live and with --loss 0.05 to see retransmissions and duplicate ACKs on the lab, ",
			"去掉 --live、加上 --loss 0.05 再跑一次，可以在实验网络上看到重传和重复 ACK；")
	case c.Link.Loss == 0:
		return r.T("Re-run with --loss 0.05 to see retransmissions and duplicate ACKs, ",
			"用 --loss 0.05 再跑一次可以看到重传和重复 ACK；")
	case a.Summary.Retransmissions == 0:
		return r.T("Re-run with another --seed or a higher --loss to see retransmissions, ",
			"换一个 --seed 或调高 --loss 再跑一次，可以看到重传；")
	}
	return r.T("Re-run with another --seed to see the same loss rate hit other packets, ",
		"换一个 --seed 再跑一次，同样的丢包率会打中别的包；")
}

// tcpFlow is the flow number of the first TCP packet.
func tcpFlow(a *analysis) int {
	for _, p := range a.Packets {
		if p.Protocol != "UDP" {
			return p.Flow
		}
	}
	return -1
}

func numOr(p *trace.Packet, dash string) string {
	if p == nil {
		return dash
	}
	return fmt.Sprint(p.Number)
}

var optRE = regexp.MustCompile(`MSS=\d+|SACK_PERM|WS=\d+|TSval`)

// optionsOf lists the options of a SYN as its Info shows them.
func optionsOf(p *trace.Packet, dash string) string {
	if p == nil {
		return dash
	}
	opts := optRE.FindAllString(p.Info, -1)
	if len(opts) == 0 {
		return dash
	}
	return strings.ReplaceAll(strings.Join(opts, " "), "TSval", "TSval/TSecr")
}
