package tcplife

import (
	"fmt"
	"strings"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/packet"
)

// synOptions words the options of a SYN-ACK.
func synOptions(r *demo.Run, o packet.TCPOptions) string {
	var s []string
	if o.MSS > 0 {
		s = append(s, fmt.Sprintf("MSS %d", o.MSS))
	}
	if o.WindowScale >= 0 {
		s = append(s, fmt.Sprintf(r.T("window scale %d", "窗口缩放 %d"), o.WindowScale))
	}
	if o.SACKPerm {
		s = append(s, "SACK-permitted")
	}
	if o.Timestamps {
		s = append(s, r.T("timestamps", "时间戳"))
	}
	if len(s) == 0 {
		return r.T("none", "无")
	}
	return strings.Join(s, sep(r))
}

func showSYNFlood(r *demo.Run, sf synFlood) {
	b := sf.Before
	if b.OK {
		r.Printf(r.T("  before the flood: the real client connected in %.1f ms; the server's SYN-ACK had seq %d and options %s.",
			"  洪泛之前：真实客户端 %.1f ms 连上；服务器的 SYN-ACK 序号 %d，选项 %s。"), ms(b.Connect), b.SYNACK.Seq, synOptions(r, b.Opts))
	}
	r.Printf(r.T("  the flood: %d SYNs injected into the link from spoofed addresses 192.0.2.10 and up (RFC 5737), to a listener with backlog %d that accepts whatever completes.",
		"  洪泛：向链路注入 %d 个 SYN，源地址伪造为 192.0.2.10 起（RFC 5737），目标是 backlog 为 %d、来者即 accept 的监听套接字。"), sf.Spoofed, floodBacklog)
	t := event.NewTable("syn-flood", r.T("what the tap and the server's counters saw", "抓包点与服务器计数器所见"), r.T("count", "数量")).AlignLeft(0)
	t.Row(r.T("spoofed SYNs", "伪造的 SYN"), sf.Spoofed)
	t.Row(r.T("SYN-ACKs sent into the void (to spoofed addresses)", "发往虚空（伪造地址）的 SYN-ACK"), sf.SYNACKsToVoid)
	t.Row(r.T("  of them with state kept (half-open, SYN-RECEIVED)", "  其中保留了状态的（半开连接，SYN-RECEIVED）"), sf.HalfOpen)
	t.Row(r.T("  of them SYN cookies (no state)", "  其中为 SYN cookie（无状态）"), int(sf.CookiesSent))
	t.Row(r.T("valid cookies that came back (the real client)", "收回的有效 cookie（真实客户端）"), int(sf.CookiesRcvd))
	r.Table(t)
	if sf.HalfOpen > 0 && sf.CookiesSent > 0 && sf.HalfOpenFirst {
		r.Printf(r.T("  the first %d SYNs to reach the server got a half-open connection each, until the handshakes in progress reached the backlog; from then on the server kept nothing and answered with a cookie.",
			"  最先到达服务器的 %d 个 SYN 各得到一个半开连接，直到进行中的握手数达到 backlog；此后服务器什么都不保存，只用 cookie 回应。"), sf.HalfOpen)
	}
	d := sf.During
	if !d.OK {
		r.Set("syn_cookie_note", r.T("which failed", "但失败了"))
		r.Printf(r.T("  during the flood the real client could not connect: %s", "  洪泛期间真实客户端没能连上：%s"), d.Err)
		return
	}
	r.Frames(frameList("syn-flood", r.T("the real client's handshake during the flood", "洪泛期间真实客户端的握手"), sf.Frames, func(f seen) string {
		if f.Pkt.Flags.Has(packet.SYN|packet.ACK) && sf.CookiesRcvd > 0 {
			return r.T("seq is a SYN cookie", "seq 即 SYN cookie")
		}
		return ""
	}))
	r.Measure("real_client_connect_ms", ms(d.Connect), r.T("ms: the real client's connect() during the flood", "ms：洪泛期间真实客户端的 connect()"))
	if sf.CookiesRcvd > 0 {
		r.Set("syn_cookie_note", r.T("through a cookie", "通过 cookie"))
	} else {
		r.Set("syn_cookie_note", r.T("not through a cookie", "没有通过 cookie"))
	}
	if sf.CookiesRcvd > 0 {
		c := d.SYNACK.Seq
		r.Printf(r.T("  the real client still connected. Its SYN-ACK's sequence number 0x%08x is the cookie: gVisor (tcp/accept.go) adds a keyed hash of the addresses and ports, the client's sequence number, and a time counter that ticks every 64 s shifted into the top 8 bits; then, in the low 24 bits, a second keyed hash (of the counter too) plus a 2-bit index of the MSS (536, 1300, 1440 or 1460). Only the server, which holds the key, can take it apart again.",
			"  真实客户端照样连上了。它收到的 SYN-ACK 序号 0x%08x 就是 cookie：gVisor（tcp/accept.go）把地址与端口的带密钥哈希、客户端的序号、以及左移到高 8 位的时间计数（每 64 秒加一）相加；再在低 24 位加上第二个带密钥哈希（也包含这个计数）和 2 位 MSS 档位（536、1300、1440 或 1460）。只有持有密钥的服务器能把它拆开。"),
			c)
		for _, f := range sf.Frames {
			if f.Dir == netx.ClientToServer && !f.Pkt.Flags.Has(packet.SYN) && f.Pkt.Flags.Has(packet.ACK) && f.Pkt.Ack == c+1 {
				r.Printf(r.T("  the client's ACK carried ack 0x%08x, the cookie plus one, back to the server, which checked the hash and built the connection from it: its counter of valid cookies went up by %d.",
					"  客户端的 ACK 带着 ack 0x%08x（cookie 加一）回到服务器，服务器校验哈希后据此建立了连接：有效 cookie 计数加了 %d。"), f.Pkt.Ack, sf.CookiesRcvd)
				break
			}
		}
		showCookieOptions(r, b.Opts, d.Opts)
	} else {
		r.Printf(r.T("  the real client connected in %.1f ms, but not through a cookie: the server's counter of valid cookies did not move.",
			"  真实客户端 %.1f ms 连上了，但不是通过 cookie：服务器的有效 cookie 计数没有变化。"), ms(d.Connect))
	}
}

// showCookieOptions compares the SYN-ACK's options during the flood (a
// cookie) with those before it (state kept) and names what the cookie
// lost, as seen.
func showCookieOptions(r *demo.Run, before, during packet.TCPOptions) {
	var lost []string
	if before.WindowScale >= 0 && during.WindowScale < 0 {
		lost = append(lost, r.T("window scaling", "窗口缩放"))
	}
	if before.SACKPerm && !during.SACKPerm {
		lost = append(lost, "SACK")
	}
	if len(lost) == 0 {
		r.Printf(r.T("  this SYN-ACK offered %s, as before the flood (%s): the cookie lost no option this time.",
			"  这个 SYN-ACK 提供了 %s，与洪泛前（%s）一样：这次 cookie 没有丢掉任何选项。"), synOptions(r, during), synOptions(r, before))
		return
	}
	r.Printf(r.T("  what a cookie cannot carry: this SYN-ACK offered %s, against %s before the flood. gVisor does not encode %s in the cookie's 32 bits, so this connection runs without them.",
		"  cookie 装不下的东西：这个 SYN-ACK 只提供了 %s，而洪泛前是 %s。gVisor 没有把这些编进 cookie 的 32 位：%s，所以这条连接没有它们。"),
		synOptions(r, during), synOptions(r, before), strings.Join(lost, r.T(" and ", "与 "))) // SACK, Latin, comes second
	if during.Timestamps {
		r.Printf("%s", r.T("  timestamps survive: the server learns them again from the client's ACK, which carries the option like every segment after it.",
			"  时间戳保留了下来：服务器能从客户端的 ACK 里重新得知它，这个 ACK 和之后每个报文一样带着该选项。"))
	}
}

func showZeroWindow(r *demo.Run, zw zeroWindow) {
	r.Printf(r.T("  the server's receive buffer is fixed at %d KiB; it accepts, sleeps %v without reading, then reads all %d KiB the client wrote.",
		"  服务器的接收缓冲区固定为 %d KiB；它 accept 之后睡 %v 不读，然后读完客户端写的全部 %d KiB。"), zwBuffer>>10, pauseRead, zwBytes>>10)
	// The window the server advertised over time.
	var pts []event.Point
	t0 := zw.Frames[0].At
	end := len(zw.Frames)
	if zw.Update >= 0 {
		end = min(end, zw.Update+12) // the reopened flow, briefly
	}
	for _, f := range zw.Frames[:end] {
		if f.Dir == netx.ServerToClient {
			pts = append(pts, event.Point{X: ms(f.At.Sub(t0)), Y: float64(windowBytes(f.Pkt, zw.Scale)) / 1024})
		}
	}
	r.Chart(event.NewChart("window", r.T("the receive window the server advertised", "服务器通告的接收窗口"),
		event.Axis{Label: r.T("time", "时间"), Unit: "ms"}, event.Axis{Label: r.T("window", "窗口"), Unit: "KiB"}).
		Add(r.T("server's window", "服务器的窗口"), pts...))
	if zw.FirstZero < 0 {
		r.Printf("%s", r.T("  the server never advertised a zero window this time.", "  这次服务器没有通告零窗口。"))
		r.Set("zw_note", r.T("The reader stopped reading, but its window never reached zero this time.", "接收方停止了读取，但这次它的窗口没有降到零。"))
		return
	}
	if zw.Update >= 0 {
		r.Set("zw_note", fmt.Sprintf(r.T("The reader that stopped reading shut its window; the sender sent %d zero-window probe(s), and the window update came %.1f ms after the first zero window.",
			"停止读取的接收方关上了窗口；发送方发了 %d 个零窗口探测，窗口更新在第一个零窗口之后 %.1f ms 到来。"), len(zw.Probes), ms(zw.Stall)))
	} else {
		r.Set("zw_note", r.T("The reader's window reached zero and no window update was seen.", "接收方的窗口降到了零，但没有看到窗口更新。"))
	}
	// The frames around the zero window: a few before, the probes, the
	// update, a few after.
	lo, hi := max(0, zw.FirstZero-3), len(zw.Frames)
	if zw.Update >= 0 {
		hi = min(len(zw.Frames), zw.Update+3)
	}
	probe := map[int]bool{}
	for _, i := range zw.Probes {
		probe[i] = true
	}
	sub := zw.Frames[lo:hi]
	r.Frames(frameList("zero-window", r.T("around the zero window", "零窗口前后"), sub, func(f seen) string {
		i := lo + indexOf(sub, f)
		if probe[i] {
			return fmt.Sprintf("len=%d [TCP ZeroWindowProbe]", len(f.Pkt.Payload))
		}
		if f.Dir != netx.ServerToClient {
			return fmt.Sprintf("len=%d", len(f.Pkt.Payload))
		}
		w := fmt.Sprintf("win=%d", windowBytes(f.Pkt, zw.Scale))
		switch {
		case i == zw.Update:
			return w + " [TCP Window Update]"
		case f.Pkt.Window == 0:
			return w + " [TCP ZeroWindow]"
		}
		return w
	}))
	r.Measure("zero_window_stall_ms", ms(zw.Stall), r.T("ms from the first zero window to the window update", "ms：从第一个零窗口到窗口更新"))
	sentWhileShut := 0
	if zw.Update >= 0 {
		for i := zw.FirstZero; i < zw.Update; i++ {
			if f := zw.Frames[i]; f.Dir == netx.ClientToServer && len(f.Pkt.Payload) > 1 {
				sentWhileShut++
			}
		}
	}
	stopped := r.T("the client stopped sending data", "客户端停止发送数据")
	if sentWhileShut > 0 {
		stopped = fmt.Sprintf(r.T("the client sent %d more data segment(s) already on their way, then stopped", "客户端又发出了 %d 个已在途中的数据报文，然后停下"), sentWhileShut)
	}
	oneByte := len(zw.Probes) > 0
	for _, i := range zw.Probes {
		oneByte = oneByte && len(zw.Frames[i].Pkt.Payload) == 1
	}
	probes := fmt.Sprintf(r.T("sent %d zero-window probe(s)", "发了 %d 个零窗口探测"), len(zw.Probes))
	if oneByte {
		probes += r.T(", each one byte already acknowledged, asking \"still zero?\" (Wireshark, whose probe carries the next new byte, labels these [TCP Keep-Alive])",
			"，每个都是一个已被确认的字节，问“还是零吗？”（Wireshark 认为探测应携带下一个新字节，会把这种报文标为 [TCP Keep-Alive]）")
	}
	r.Printf(r.T("  the buffer filled and the server advertised a **zero window** %.1f ms into the connection; %s and %s; when the server read, its window update reopened the flow after %.1f ms.",
		"  缓冲区满了，服务器在连接开始后 %.1f ms 通告**零窗口**；%s，%s；服务器开始读之后，窗口更新在 %.1f ms 后让数据重新流动。"),
		ms(zw.Frames[zw.FirstZero].At.Sub(t0)), stopped, probes, ms(zw.Stall))
	if zw.Received == zwBytes {
		r.Printf(r.T("  all %d KiB arrived: the receiver's window, not the network, held the sender back. That is flow control.", "  %d KiB 全部到达：拖住发送方的是接收方的窗口，而不是网络。这就是流量控制。"), zwBytes>>10)
	}
}

func indexOf(fs []seen, f seen) int {
	for i := range fs {
		if fs[i].N == f.N {
			return i
		}
	}
	return -1
}

func showCongestion(r *demo.Run, reno, cubic ccRun) {
	r.Printf(r.T("  two labs with the same link (RTT %v) and seed; the client sends as fast as it may for %d round trips; the link drops the client's data segment #%d. Only the client's algorithm differs.",
		"  两个实验网络，同样的链路（RTT %v）和 seed；客户端在 %d 个往返里尽力发送；链路丢掉客户端的第 %d 个数据报文。唯一的不同是客户端的拥塞控制算法。"), r.Link.RTT, ccRounds, dropAt)
	// One loss each, the chosen one: the comparison of one β with the
	// other holds. More (the link's own --loss): each cuts again.
	single := reno.Drops == 1 && cubic.Drops == 1
	if !single {
		r.Printf(r.T("  the link dropped %d of Reno's data segments and %d of CUBIC's: with --loss it also drops frames at random, and each loss cuts the window again, so what follows compares the windows after the first loss, shaped by the later ones too.",
			"  链路丢掉了 Reno 的 %d 个数据报文、CUBIC 的 %d 个：有 --loss 时它还会随机丢帧，每次丢包都会再削减窗口，所以下面比较的是第一次丢包之后的窗口，其中也有后来几次丢包的影响。"), reno.Drops, cubic.Drops)
	}
	c := event.NewChart("congestion", r.T("bytes in flight per round trip, inferred from the tap", "每个往返的在途字节数，从抓包推算"),
		event.Axis{Label: r.T("round trip", "往返")}, event.Axis{Label: r.T("in flight", "在途"), Unit: "KiB"})
	t := event.NewTable("congestion", r.T("round trip", "往返"), "Reno|KiB", "CUBIC|KiB")
	for _, run := range []ccRun{reno, cubic} {
		var pts []event.Point
		for i, f := range run.Flight {
			pts = append(pts, event.Point{X: float64(i + 1), Y: kib(f)})
		}
		c.Add(run.Algorithm, pts...)
	}
	for i := range max(len(reno.Flight), len(cubic.Flight)) {
		var a, b any
		if i < len(reno.Flight) {
			a = kib(reno.Flight[i])
		}
		if i < len(cubic.Flight) {
			b = kib(cubic.Flight[i])
		}
		t.Row(i+1, a, b)
	}
	r.Chart(c)
	r.Table(t)
	if ss, doubled := slowStart(reno, sep(r)); ss != "" && doubled {
		r.Printf(r.T("  slow start: each round trip carried about twice the last (%s): every ACK let the sender add what it acknowledged to the congestion window.",
			"  慢启动：每个往返的在途量约为上一个的两倍（%s）：每个 ACK 都让发送方把确认了的字节加到拥塞窗口上。"), ss)
	} else if ss != "" {
		r.Printf(r.T("  before the loss each round trip carried %s the last.", "  丢包之前，每个往返的在途量是上一个的 %s。"), ss)
	}
	for _, run := range []ccRun{reno, cubic} {
		if run.Drops == 1 && run.Resent > 1 {
			r.Printf(r.T("  %s: besides the segment the link dropped, the client sent %d more segment(s) again that the link had delivered: a retransmission timer fired early (on a busy machine the lab's timers run late), and the window reacted to that too.",
				"  %s：除了被链路丢掉的那个报文，客户端还重发了 %d 个链路其实已经送达的报文：重传定时器过早触发了（机器繁忙时实验网络的定时会延后），窗口也对此作出了反应。"), run.Algorithm, run.Resent-1)
		}
		if run.LossRound < 0 || run.Recovered < 0 || run.After == 0 {
			r.Printf(r.T("  %s: the loss and its repair were not both seen in %d round trips.", "  %s：%d 个往返内没有同时看到丢包与修复。"), run.Algorithm, ccRounds)
			continue
		}
		r.Printf(r.T("  %s: the segment lost in round %d was repaired in round %d; in the three rounds after it the flight was %.1f KiB (median), %.2f of the %.1f KiB peak before.",
			"  %[1]s：第 %[2]d 个往返丢的报文在第 %[3]d 个往返修复；其后三个往返的在途量为 %.1[4]f KiB（中位数），是此前峰值 %.1[6]f KiB 的 %.2[5]f 倍。"),
			run.Algorithm, run.LossRound+1, run.Recovered+1, kib(run.After), run.Cut, kib(run.Before))
	}
	r.Set("cc_note", r.T("A loss and its repair were not seen for both algorithms.", "没有在两种算法下都看到丢包与修复。"))
	if reno.After > 0 && cubic.After > 0 {
		k := float64(cubic.After) / float64(reno.After)
		r.Measure("cubic_over_reno", round2(k), r.T("CUBIC's flight after the loss ÷ Reno's", "丢包后 CUBIC 的在途量 ÷ Reno 的"))
		if !single {
			r.Printf(r.T("  CUBIC kept %.2f× what Reno kept, after more than one loss: not one β against the other.",
				"  CUBIC 保留的是 Reno 的 %.2f 倍，但这是多次丢包之后：不是单纯一个 β 对另一个 β。"), k)
		} else if k > 1.15 {
			r.Printf(r.T("  CUBIC kept %.2f× what Reno kept: Reno halves its window on a loss (β = 0.5, RFC 5681), CUBIC multiplies it by 0.7 (RFC 9438 §4.6), and 0.7 ÷ 0.5 = 1.4.",
				"  CUBIC 保留的是 Reno 的 %.2f 倍：Reno 丢包时把窗口减半（β = 0.5，RFC 5681），CUBIC 乘以 0.7（RFC 9438 §4.6），0.7 ÷ 0.5 = 1.4。"), k)
		} else {
			r.Printf(r.T("  CUBIC kept %.2f× what Reno kept: this run does not show CUBIC's milder cut (β 0.7 against Reno's 0.5 would give 1.4).",
				"  CUBIC 保留的是 Reno 的 %.2f 倍：这次运行没有显出 CUBIC 更温和的削减（β 0.7 对 Reno 的 0.5，应当是 1.4 倍）。"), k)
			if reno.Resent > reno.Drops || cubic.Resent > cubic.Drops {
				r.Printf("%s", r.T("  a retransmission timer fired early (see above), and its second cut blurs the comparison.",
					"  重传定时器过早触发（见上），它带来的第二次削减让比较失真。"))
			}
		}
		if single && reno.Cut > 0.55 && cubic.Cut > 0.75 {
			r.Printf("%s", r.T("  both ratios are above β because β applies to the congestion window at the moment the loss is noticed, and slow start had kept growing it on the ACKs that came just before the duplicate ones: that window is at least the peak flight the tap saw, and can be more.",
				"  两个比例都高于 β，因为 β 作用在发现丢包那一刻的拥塞窗口上，而慢启动根据重复 ACK 之前刚到的那些 ACK 又把它增大了：这个窗口至少等于抓包看到的在途峰值，也可能更大。"))
		}
		r.Set("cc_note", fmt.Sprintf(r.T("CUBIC kept %.2f× what Reno kept.", "CUBIC 保留的是 Reno 的 %.2f 倍。"), k))
	}
	if g := growth(reno); single && g > 0 && reno.MSS > 0 && g*1024 > 0.7*float64(reno.MSS) && g*1024 < 1.3*float64(reno.MSS) {
		r.Printf(r.T("  after the repair Reno grew by about %.1f KiB per round trip: about one segment (MSS %d bytes) each, congestion avoidance.",
			"  修复之后 Reno 每个往返增长约 %.1f KiB：大约一个报文（MSS %d 字节），即拥塞避免。"), g, reno.MSS)
	} else if g > 0 && reno.MSS > 0 {
		r.Printf(r.T("  after the repair Reno grew by about %.1f KiB per round trip (one segment is %d bytes).", "  修复之后 Reno 每个往返增长约 %.1f KiB（一个报文 %d 字节）。"), g, reno.MSS)
	} else if g > 0 {
		r.Printf(r.T("  after the repair Reno grew by about %.1f KiB per round trip.", "  修复之后 Reno 每个往返增长约 %.1f KiB。"), g)
	}
	mf := 0
	for _, run := range []ccRun{reno, cubic} {
		for _, f := range run.Flight {
			mf = max(mf, f)
		}
	}
	minR := min(nonzero(reno.MinRwnd), nonzero(cubic.MinRwnd))
	if minR > mf {
		r.Printf(r.T("  the server's receive window never fell below %.0f KiB, more than the most ever in flight (%.0f KiB): the receiver (flow control, rwnd) never limited the sender; the congestion window (cwnd) did.",
			"  服务器的接收窗口从未低于 %.0f KiB，比任何时刻的在途量（最多 %.0f KiB）都大：限制发送方的从来不是接收方（流量控制，rwnd），而是拥塞窗口（cwnd）。"), kib(minR), kib(mf))
	} else if minR > 0 {
		r.Printf(r.T("  the server's receive window fell to %.0f KiB at times: then the receiver, not the congestion window, limited the sender.",
			"  服务器的接收窗口有时降到 %.0f KiB：那时限制发送方的是接收方，而不是拥塞窗口。"), kib(minR))
	}
}

func nonzero(x int) int {
	if x == 0 {
		return int(^uint(0) >> 1)
	}
	return x
}

// slowStart lists the growth factors of the rounds up to the loss, and
// whether each is close to 2.
func slowStart(run ccRun, sep string) (string, bool) {
	var s []string
	doubled := true
	for i := 1; i <= run.LossRound && i < len(run.Flight); i++ {
		if run.Flight[i-1] == 0 {
			return "", false
		}
		k := float64(run.Flight[i]) / float64(run.Flight[i-1])
		doubled = doubled && k > 1.7 && k < 2.3
		s = append(s, fmt.Sprintf("×%.1f", k))
	}
	return strings.Join(s, sep), doubled && len(s) > 0
}

// growth is the mean increase per round after the round following the
// repair, in KiB.
func growth(run ccRun) float64 {
	from := run.Recovered + 1
	if run.Recovered < 0 || from+2 >= len(run.Flight) {
		return 0
	}
	last := len(run.Flight) - 1
	return kib(run.Flight[last]-run.Flight[from]) / float64(last-from)
}

func kib(b int) float64 { return float64(int(float64(b)/1024*10+0.5)) / 10 }
