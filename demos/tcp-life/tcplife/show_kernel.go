package tcplife

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
)

// This file and show_lab.go turn observations into output. Every sentence
// about an outcome is chosen by what the run saw.

func showLife(r *demo.Run, lf life) {
	server, client := r.T("server (closed first)", "服务器（先关闭）"), r.T("client", "客户端")
	type row struct {
		at  time.Duration
		end string
		st  string
	}
	var rows []row
	for _, s := range lf.Active {
		rows = append(rows, row{s.At, server, s.State.String()})
	}
	for _, s := range lf.Passive {
		rows = append(rows, row{s.At, client, s.State.String()})
	}
	if lf.PassiveGone > 0 {
		rows = append(rows, row{lf.PassiveGone, client, r.T("(gone from the table: CLOSED)", "（从表中消失：CLOSED）")})
	}
	slices.SortStableFunc(rows, func(a, b row) int { return int(a.at - b.at) })
	t := event.NewTable("states", r.T("at|ms", "时刻|ms"), r.T("socket", "套接字"), r.T("state the kernel reported", "内核报告的状态")).
		Titled(r.T("one connection on 127.0.0.1, as sock_diag saw it", "127.0.0.1 上的一个连接，sock_diag 所见")).AlignLeft(1, 2)
	for _, x := range rows {
		t.Row(ms(x.at), x.end, x.st)
	}
	r.Table(t)
	r.Printf(r.T("  %d exact sock_diag lookups while the connection closed; each state was held until the next step of the close.",
		"  关闭过程中做了 %d 次 sock_diag 精确查询；每个状态都保持到关闭的下一步。"), lf.Lookups)
	a, p := strings.Join(names(lf.Active), " → "), strings.Join(names(lf.Passive), " → ")
	if lf.PassiveGone > 0 {
		p += " → CLOSED"
	}
	r.Printf(r.T("  the side that closed first: **%s**", "  先关闭的一方：**%s**"), a)
	r.Printf(r.T("  the other side: **%s**", "  另一方：**%s**"), p)
	r.Set("active_states", a)
	r.Set("passive_states", p)
	if fw1, fw2, cw := at(lf.Active, kFinWait1), at(lf.Active, kFinWait2), at(lf.Passive, kCloseWait); fw1 >= 0 && fw2 > fw1 {
		if q := unsent(lf.Active, kFinWait1); q > 0 {
			r.Printf(r.T("  FIN_WAIT_1 lasted %.1f ms: when the server shut down its side, %d bytes were still unacknowledged in its send queue (sock_diag's wqueue), waiting for the client to read; the FIN goes after them and is acknowledged only once it arrives.",
				"  FIN_WAIT_1 持续了 %.1f ms：服务器关闭发送方向时，发送队列里还有 %d 字节未被确认（sock_diag 的 wqueue），在等客户端去读；FIN 排在它们后面，只有它到达之后才会被确认。"), ms(fw2-fw1), q)
		} else {
			r.Printf(r.T("  FIN_WAIT_1 lasted %.1f ms: until the client's kernel acknowledged the FIN.", "  FIN_WAIT_1 持续了 %.1f ms：直到客户端内核确认了 FIN。"), ms(fw2-fw1))
		}
		if cw > fw1 && cw < fw2 {
			if d := fw2 - cw; d > 10*time.Millisecond {
				r.Printf(r.T("  of that, %.1f ms came after the client had the FIN (its CLOSE_WAIT): the client's kernel held its ACK of the FIN back (a delayed ACK: Linux switches to delayed, \"ping-pong\" ACKs when a FIN arrives).",
					"  其中 %.1f ms 是在客户端已经收到 FIN（进入 CLOSE_WAIT）之后：客户端内核推迟了对 FIN 的确认（延迟确认：Linux 收到 FIN 时切换到延迟的“乒乓”确认模式）。"), ms(d))
			}
		}
	}
	if d, ok := lasted(lf.Passive, kCloseWait); ok {
		r.Printf(r.T("  CLOSE_WAIT lasted %.1f ms: the client knew the server was done and the kernel waited for the client's program to close. Only the program can end CLOSE_WAIT.",
			"  CLOSE_WAIT 持续了 %.1f ms：客户端已知服务器发完了，内核在等客户端程序调用 close。只有程序自己能结束 CLOSE_WAIT。"), ms(d))
	}
}

// unsent is an end's send queue when it was first seen in state st.
func unsent(s []stateAt, st kstate) uint32 {
	for _, x := range s {
		if x.State == st {
			return x.Unsent
		}
	}
	return 0
}

// at is when an end was first seen in state st, or -1.
func at(s []stateAt, st kstate) time.Duration {
	for _, x := range s {
		if x.State == st {
			return x.At
		}
	}
	return -1
}

// lasted is how long an end stayed in state st, if it was seen to leave it.
func lasted(s []stateAt, st kstate) (time.Duration, bool) {
	for i := 0; i+1 < len(s); i++ {
		if s[i].State == st {
			return s[i+1].At - s[i].At, true
		}
	}
	return 0, false
}

// showTimeWait reports TIME_WAIT's timer and returns its length in
// seconds (0 if it could not be read).
func showTimeWait(r *demo.Run, lf life) float64 {
	if lf.TimeWaitLeft == 0 {
		r.Printf("%s", r.T("  the server's socket was not found in TIME_WAIT when its timer was read.", "  读定时器时没有在 TIME_WAIT 中找到服务器的套接字。"))
		return 0
	}
	total := (lf.TimeWaitLeft + lf.TimeWaitAge).Seconds()
	total = math.Round(total*10) / 10
	timer := fmt.Sprint(lf.TimeWaitTimer)
	if lf.TimeWaitTimer == 3 {
		timer += r.T(" (the TIME_WAIT timer)", "（TIME_WAIT 定时器）")
	}
	r.Printf(r.T("  sock_diag: the server's socket in TIME_WAIT, timer %s, **%.3f s left**, %.1f ms after it entered TIME_WAIT.",
		"  sock_diag：服务器的套接字处于 TIME_WAIT，定时器 %s，**还剩 %.3f 秒**，此时它进入 TIME_WAIT 才 %.1f ms。"),
		timer, lf.TimeWaitLeft.Seconds(), ms(lf.TimeWaitAge))
	r.Measure("time_wait_s", total, r.T("s: TIME_WAIT's length on this kernel", "秒：本内核上 TIME_WAIT 的时长"))
	if math.Abs(total-60) < 1 {
		r.Printf("%s", r.T("  that is Linux's TCP_TIMEWAIT_LEN, 60 s, fixed when the kernel is compiled: no sysctl changes it (tcp_fin_timeout is FIN_WAIT_2's, for orphaned sockets). The demo does not wait it out; the socket stays in the kernel's table after the demo ends, harmless.",
			"  这就是 Linux 的 TCP_TIMEWAIT_LEN：60 秒，编译内核时定死，没有 sysctl 能改它（tcp_fin_timeout 管的是无主套接字的 FIN_WAIT_2）。演示不会干等它结束；演示退出后这个套接字还会在内核表里待一会儿，无害。"))
	} else {
		r.Printf("%s", r.T("  that is not Linux's usual 60 s (TCP_TIMEWAIT_LEN): this kernel was built or configured differently.",
			"  这与 Linux 通常的 60 秒（TCP_TIMEWAIT_LEN）不同：这个内核的编译或配置不一样。"))
	}
	return total
}

func showCloseWait(r *demo.Run, cw closeWait) {
	r.Printf(r.T("  %d clients connected, sent a line and closed; the server read each to the end and never called close().",
		"  %d 个客户端连上来，发一行就关闭；服务器把每个连接读到结尾，却从不调用 close()。"), cw.Clients)
	t := event.NewTable("close-wait", r.T("moment", "时刻"), r.T("server sockets in CLOSE_WAIT", "服务器处于 CLOSE_WAIT 的套接字")).AlignLeft(0)
	t.Row(r.T("clients gone, server forgot", "客户端走了，服务器忘了关"), cw.Piled)
	t.Row(r.T("after the server closed them", "服务器关闭之后"), cw.After)
	r.Table(t)
	r.Measure("close_wait_piled", cw.Piled, r.T("sockets left in CLOSE_WAIT by a server that did not close", "个套接字停在 CLOSE_WAIT（服务器没有 close）"))
	switch {
	case cw.Piled == cw.Clients && cw.After == 0:
		r.Printf("%s", r.T("  one per client that hung up: the kernel had answered each FIN with an ACK and could do nothing more. The fix is in the program: close() sent the FINs and the count went to 0.",
			"  每个挂断的客户端一个：内核已经用 ACK 回应了每个 FIN，别的它做不了。修复在程序里：close() 发出了 FIN，计数归零。"))
	case cw.After == 0:
		r.Printf(r.T("  %d of %d clients' sockets were seen in CLOSE_WAIT; close() brought the count to 0.", "  %d/%d 个客户端的连接出现在 CLOSE_WAIT；close() 之后计数归零。"), cw.Piled, cw.Clients)
	default:
		r.Printf(r.T("  %d still in CLOSE_WAIT a second after close().", "  close() 之后一秒仍有 %d 个在 CLOSE_WAIT。"), cw.After)
	}
}

func showRebind(r *demo.Run, rb rebind) {
	if n, err := timeWaitOn(rb.Port); err == nil {
		r.Printf(r.T("  the server closed a connection first, then its listener; the kernel listed %d socket(s) in TIME_WAIT on port %d.",
			"  服务器先关闭了一个连接，然后关闭监听套接字；内核列出端口 %[2]d 上有 %[1]d 个 TIME_WAIT 套接字。"), n, rb.Port)
	} else {
		r.Printf(r.T("  the server closed a connection first (TIME_WAIT on port %d), then its listener.", "  服务器先关闭了一个连接（端口 %d 上留下 TIME_WAIT），然后关闭监听套接字。"), rb.Port)
	}
	t := event.NewTable("reuseaddr", r.T("new socket", "新套接字"), r.T("bind(127.0.0.1:port) returned", "bind(127.0.0.1:端口) 的结果")).AlignLeft(0, 1)
	t.Row(r.T("without SO_REUSEADDR", "不设 SO_REUSEADDR"), rb.Without)
	t.Row(r.T("with SO_REUSEADDR", "设置 SO_REUSEADDR"), rb.With)
	r.Table(t)
	r.Set("reuse_without", rb.Without)
	r.Set("reuse_with", rb.With)
	switch {
	case rb.EADDRINUSE && rb.With == "ok":
		r.Printf("%s", r.T("  EADDRINUSE without the option, a clean bind with it: SO_REUSEADDR lets a listener take a port whose old connections are only in TIME_WAIT. Go's net.Listen sets it, so a restarted Go server does not hit this.",
			"  不设选项得到 EADDRINUSE，设了就能绑定：SO_REUSEADDR 允许监听套接字占用只剩 TIME_WAIT 旧连接的端口。Go 的 net.Listen 默认设置它，所以重启的 Go 服务器不会遇到这个错误。"))
	case rb.Without == "ok":
		r.Printf("%s", r.T("  this system let the bind through even without SO_REUSEADDR.", "  本系统即使不设 SO_REUSEADDR 也允许绑定。"))
	default:
		r.Printf(r.T("  without: %s; with: %s.", "  不设：%s；设置：%s。"), rb.Without, rb.With)
	}
}

func showBacklog(r *demo.Run, bl backlogRun) {
	r.Printf(r.T("  listen(fd, %d) on a raw socket; clients connect one after another; the server calls accept() at %s.",
		"  在原始套接字上 listen(fd, %d)；客户端依次连接；服务器在 %s 时才调用 accept()。"), bl.Backlog, durations(r, bl.AcceptsAt))
	sched := kernelSYNSchedule()
	t := event.NewTable("backlog", r.T("client", "客户端"), r.T("connect|ms", "connect|ms"), r.T("what happened", "发生了什么")).AlignLeft(2)
	retried := 0
	for i, c := range bl.ConnectMS {
		var what string
		k := sched.nearest(time.Duration(c * float64(time.Millisecond)))
		switch {
		case c < 0:
			what = r.T("failed: ", "失败：") + bl.Errors[i]
		case c < 500:
			what = r.T("fit in the accept queue", "放进了 accept 队列")
		case k == 1:
			what = r.T("no answer to its SYN; in on the 1st retransmission", "SYN 没有回应；第 1 次重传进来了")
			retried++
		case k > 1:
			what = fmt.Sprintf(r.T("no answer to %d SYNs; in on retransmission %d", "%d 个 SYN 都没有回应；第 %d 次重传才进来"), k, k)
			retried++
		default:
			what = r.T("waited, off this kernel's retransmission schedule", "等待了，但与本内核的重传时间表不符")
			retried++
		}
		t.Row(i+1, c, what)
	}
	r.Table(t)
	r.Set("backlog_connect_ms", joinFloats(r, bl.ConnectMS))
	fast := 0
	for _, c := range bl.ConnectMS {
		if c >= 0 && c < 500 {
			fast++
		}
	}
	r.Set("backlog_fast", fast)
	if fast == bl.Backlog+1 {
		r.Printf(r.T("  %d connections completed at once with a backlog of %d: Linux's accept queue holds backlog + 1. connect() returns when the handshake is done, long before the server calls accept().",
			"  backlog 为 %[2]d 时有 %[1]d 个连接立即完成：Linux 的 accept 队列能放 backlog + 1 个。connect() 在握手完成时就返回，远早于服务器调用 accept()。"), fast, bl.Backlog)
	}
	if bl.Overflows > 0 {
		r.Printf(r.T("  the kernel's ListenOverflows counter (/proc/net/netstat, machine-wide) rose by %d during these seconds: SYNs dropped because an accept queue was full.",
			"  这几秒里内核的 ListenOverflows 计数（/proc/net/netstat，全机）增加了 %d：因 accept 队列已满而丢弃的 SYN。"), bl.Overflows)
	}
	if retried > 0 {
		r.Printf(r.T("  %d client(s) waited: while the accept queue was full their SYNs got no reply, and their own kernels sent them again on the retransmission timer. The program saw only a slow connect().",
			"  %d 个客户端在等：accept 队列满时它们的 SYN 得不到回应，它们自己的内核按重传定时器再发。程序看到的只是 connect() 变慢。"), retried)
		switch {
		case sched.Known && sched.Linear > 0:
			r.Printf(r.T("  this kernel sends a SYN again after %s, then doubles (net.ipv4.tcp_syn_linear_timeouts = %d: that many retransmissions 1 s apart); RFC 6298's timer doubles from the start: %s.",
				"  本内核在 %s 之后重发 SYN，此后翻倍（net.ipv4.tcp_syn_linear_timeouts = %d：先按 1 秒间隔重传这么多次）；RFC 6298 的定时器从一开始就翻倍：%s。"),
				sched.describe(sched.Linear, sep(r)), sched.Linear, synSchedule{}.describe(3, sep(r)))
		case sched.Known:
			r.Printf(r.T("  this kernel doubles the SYN's timer from 1 s, as RFC 6298 says: %s after the first SYN.", "  本内核按 RFC 6298 从 1 秒开始翻倍 SYN 的定时器：第一个 SYN 之后 %s。"), sched.describe(3, sep(r)))
		default:
			r.Printf(r.T("  RFC 6298's timer starts at 1 s and doubles: %s after the first SYN.", "  RFC 6298 的定时器从 1 秒开始翻倍：第一个 SYN 之后 %s。"), sched.describe(3, sep(r)))
		}
	} else {
		r.Printf("%s", r.T("  no client waited: this system queued them all.", "  没有客户端等待：本系统把它们都放进了队列。"))
	}
	if len(bl.AcceptsAt) == 1 {
		r.Printf("%s", r.T("  (--long adds a client that misses the slot the first accept() frees and needs a later retransmission.)", "  （加 --long 会多一个客户端：它错过第一次 accept() 腾出的位置，要等更晚的重传。）"))
	}
}

// durations lists durations as "0.5 s, 2.0 s".
func durations(r *demo.Run, ds []time.Duration) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = fmt.Sprintf("%.1f s", d.Seconds())
	}
	return strings.Join(s, sep(r))
}

func joinFloats(r *demo.Run, xs []float64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprintf("%g", x)
	}
	return strings.Join(s, sep(r))
}

// sep separates the items of a list in the run's language: Chinese uses
// the enumeration comma.
func sep(r *demo.Run) string {
	return r.T(", ", "、")
}

func showNagle(r *demo.Run, ng nagleRun) {
	t := event.NewTable("nagle", r.T("exchange", "交换"), r.T("Nagle off (Go's default)|ms", "关闭 Nagle（Go 默认）|ms"), r.T("Nagle on|ms", "开启 Nagle|ms"))
	for i := range max(len(ng.NoDelay), len(ng.Nagle)) {
		var a, b any
		if i < len(ng.NoDelay) {
			a = ms(ng.NoDelay[i])
		}
		if i < len(ng.Nagle) {
			b = ms(ng.Nagle[i])
		}
		t.Row(i+1, a, b)
	}
	r.Table(t.Titled(r.T("write(6 bytes), write(5 bytes), read the reply, on 127.0.0.1", "write(6 字节)、write(5 字节)、读回复，在 127.0.0.1 上")))
	off, on := ms(p50(ng.NoDelay)), ms(p50(ng.Nagle))
	r.Measure("nodelay_ms_p50", off, r.T("ms per exchange, Nagle off (median)", "ms 每次交换，关闭 Nagle（中位数）"))
	r.Measure("nagle_ms_p50", on, r.T("ms per exchange, Nagle on (median)", "ms 每次交换，开启 Nagle（中位数）"))
	if on > 10*off && on > 5 {
		r.Printf(r.T("  with Nagle the median exchange took %.1f ms instead of %.3f ms: the second write waited in the client's kernel for the ACK of the first, and the server's kernel delayed that ACK, hoping to send it with a reply that could not exist before the second write arrived. The stall ends when the delayed-ACK timer fires.",
			"  开启 Nagle 时交换的中位数是 %.1f ms，而不是 %.3f ms：第二次写在客户端内核里等第一次写的 ACK，而服务器内核推迟了这个 ACK，想把它和回复一起发——可第二次写不到，回复就不可能有。直到延迟确认定时器到期，停顿才结束。"), on, off)
		if runtime.GOOS == "linux" && on >= 30 && on <= 60 {
			r.Printf("%s", r.T("  about Linux's minimum delayed-ACK timeout, 40 ms (TCP_DELACK_MIN).", "  约等于 Linux 延迟确认的最小超时 40 ms（TCP_DELACK_MIN）。"))
		}
		if runtime.GOOS == "linux" && len(ng.Nagle) > 1 && ms(ng.Nagle[0]) < 5 {
			r.Printf(r.T("  the first exchange took only %.3f ms: a new Linux connection starts in quick-ACK mode and acknowledges at once, until it sees an interactive exchange.",
				"  第一次交换只用了 %.3f ms：Linux 的新连接以快速确认模式开始，立即确认，直到它看出这是交互式的往来。"), ms(ng.Nagle[0]))
		}
	} else {
		r.Printf(r.T("  Nagle on: %.3f ms, off: %.3f ms per exchange: no stall this time.", "  开启 Nagle：每次 %.3f ms，关闭：%.3f ms：这次没有停顿。"), on, off)
	}
}
