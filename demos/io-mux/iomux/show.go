package iomux

import (
	"fmt"

	"github.com/netdemo/netdemo/demos/io-mux/iomux/echo"
	"github.com/netdemo/netdemo/demos/io-mux/iomux/remote"
	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
)

// This file turns the curve into a table, two charts and sentences. Each
// sentence compares numbers of this run, and says what they showed, either
// way.

func showCurve(r *demo.Run, c *curve, active int) {
	t := event.NewTable("curve",
		r.T("server", "服务器"), r.T("open conns", "打开的连接"),
		"p50|µs", "p99|µs", r.T("CPU per 1k requests|µs", "每千次请求 CPU|µs"),
		r.T("fds examined per wake-up", "每次唤醒检查的描述符"), r.T("OS threads", "OS 线程"),
		r.T("RSS per conn|KiB", "每连接 RSS|KiB"),
	)
	if active >= c.steps[len(c.steps)-1] {
		t.Titled(r.T("every open connection active; each server in its own process", "所有打开的连接都活跃；每个服务器一个独立进程"))
	} else {
		t.Titled(fmt.Sprintf(r.T("%d connections active (all, where fewer are open), the rest idle; each server in its own process",
			"%d 个连接活跃（打开的连接更少时即全部），其余空闲；每个服务器一个独立进程"), active))
	}
	for _, k := range echo.Kinds {
		for _, ph := range c.phases[k] {
			rw := toRow(ph)
			var scanned any
			if rw.FdsScannedPerWake != nil {
				scanned = *rw.FdsScannedPerWake
			}
			t.Row(name(r, k), rw.Conns, rw.P50US, rw.P99US, rw.CPUUSPer1k, scanned, rw.OSThreads, rw.RSSKBPerConn)
		}
	}
	r.Table(t)

	cpu := event.NewChart("cpu", r.T("server CPU time per 1,000 requests", "每千次请求的服务器 CPU 时间"),
		event.Axis{Label: r.T("open connections", "打开的连接"), Log: true}, event.Axis{Label: "CPU", Unit: "µs"})
	scan := event.NewChart("scanned", r.T("descriptors examined per wake-up", "每次唤醒检查的描述符数"),
		event.Axis{Label: r.T("open connections", "打开的连接"), Log: true}, event.Axis{Label: r.T("descriptors", "描述符"), Log: true})
	for _, k := range echo.Kinds {
		var pc, ps []event.Point
		for _, ph := range c.phases[k] {
			pc = append(pc, event.Point{X: float64(ph.Conns), Y: us(ph.CPUPer1k())})
			if s := ph.ScannedPerWake(); s >= 0 {
				ps = append(ps, event.Point{X: float64(ph.Conns), Y: round1(s)})
			}
		}
		if len(pc) > 0 {
			cpu.Add(name(r, k), pc...)
		}
		if len(ps) > 0 {
			scan.Add(name(r, k), ps...)
		}
	}
	r.Chart(cpu)
	r.Chart(scan)

	for _, k := range echo.Kinds {
		if c.limit[k] != "" {
			r.Printf("  %s: %s", name(r, k), c.limit[k])
		}
	}
	lo, hi := c.steps[0], largestCommon(c, echo.Select, echo.Epoll)
	showScanned(r, c, lo, hi)
	showCPU(r, c, lo, hi)
	showPollBeyond(r, c, hi)
	showThreads(r, c)
}

// largestCommon is the largest connection count both servers reached.
func largestCommon(c *curve, a, b echo.Kind) int {
	n := 0
	for _, ph := range c.phases[a] {
		if _, ok := c.at(b, ph.Conns); ok {
			n = ph.Conns
		}
	}
	return n
}

func showScanned(r *demo.Run, c *curve, lo, hi int) {
	sl, ok1 := c.at(echo.Select, lo)
	sh, ok2 := c.at(echo.Select, hi)
	el, ok3 := c.at(echo.Epoll, lo)
	eh, ok4 := c.at(echo.Epoll, hi)
	if !(ok1 && ok2 && ok3 && ok4) {
		return
	}
	if lo == hi {
		r.Printf(r.T("  Descriptors examined per wake-up at %d connections: select %.0f, %s %.1f.", "  %d 个连接时每次唤醒检查的描述符：select %.0f 个，%s %.1f 个。"),
			hi, sh.ScannedPerWake(), name(r, echo.Epoll), eh.ScannedPerWake())
	} else {
		r.Printf(r.T("  Descriptors examined per wake-up: select %.0f at %d connections, %.0f at %d (every connection, plus the listener and the wake-up pipe); %s %.1f and %.1f: it hands back only the ready ones.",
			"  每次唤醒检查的描述符：select 在 %[2]d 个连接时为 %.0[1]f 个，在 %[4]d 个连接时为 %.0[3]f 个（每个连接都要查，外加监听套接字和唤醒管道）；%[5]s 为 %.1[6]f 和 %.1[7]f 个：它只交回就绪的那些。"),
			sl.ScannedPerWake(), lo, sh.ScannedPerWake(), hi, name(r, echo.Epoll), el.ScannedPerWake(), eh.ScannedPerWake())
	}
	r.Measure("select_scanned_max", round1(sh.ScannedPerWake()), r.T("fds per select() wake-up", "个描述符 / 每次 select() 唤醒"))
	r.Measure("epoll_scanned_max", round1(eh.ScannedPerWake()), fmt.Sprintf(r.T("fds per %s wake-up", "个描述符 / 每次 %s 唤醒"), echo.EventMechanism))
}

// ratio is a/b, 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func showCPU(r *demo.Run, c *curve, lo, hi int) {
	sl, ok1 := c.at(echo.Select, lo)
	sh, ok2 := c.at(echo.Select, hi)
	el, ok3 := c.at(echo.Epoll, lo)
	eh, ok4 := c.at(echo.Epoll, hi)
	if !(ok1 && ok2 && ok3 && ok4) {
		return
	}
	rl := ratio(float64(sl.CPUPer1k()), float64(el.CPUPer1k()))
	rh := ratio(float64(sh.CPUPer1k()), float64(eh.CPUPer1k()))
	r.Set("cpu_ratio_lo", round2(rl))
	r.Set("min_conns", lo)
	r.Set("hi_conns", hi)
	r.Measure("select_epoll_cpu_ratio", round2(rh), fmt.Sprintf(r.T("select / %s CPU per request at %d connections", "select / %s 每请求 CPU（%d 个连接）"), echo.EventMechanism, hi))
	ep := name(r, echo.Epoll)

	// Arguments in the same order for both languages: connections, busy
	// ones, the ratio, epoll's name.
	at := fmt.Sprintf(r.T("At %d connections, %d of them busy,", "%d 个连接、其中 %d 个忙碌时，"), lo, sl.Active)
	allBusy := sl.Active == sl.Conns
	if allBusy {
		at = fmt.Sprintf(r.T("At %d connections, all of them busy,", "%d 个连接、全部忙碌时，"), lo)
	}
	switch {
	case rl < 1.25 && rl > 0.8:
		r.Printf(r.T("  %s select cost %.2f× what %s did: about the same.", "  %sselect 的开销是 %[3]s 的 %.2[2]f 倍：差不多。"), at, rl, ep)
		if allBusy {
			// Not "nothing to skip": select still examined more
			// descriptors than epoll returned (the line above says how
			// many); at this size the scan is cheap next to the system
			// calls and the copying that both servers do.
			r.Printf(r.T("  With few descriptors, all of them busy, select is as fast as %[2]s: examining %.0[1]f descriptors per wake-up costs little next to the system calls and the copying both do for every request.",
				"  描述符少而且全都忙碌时，select 和 %[2]s 一样快：每次唤醒检查 %.0[1]f 个描述符，比起两者每个请求都要做的系统调用和数据拷贝，开销很小。"), sl.ScannedPerWake(), ep)
		}
	case rl <= 0.8:
		r.Printf(r.T("  %s select cost %.2f× what %s did: less.", "  %sselect 的开销只有 %[3]s 的 %.2[2]f 倍：更少。"), at, rl, ep)
	default:
		r.Printf(r.T("  %s select already cost %.2f× what %s did in this run.", "  %s本次运行中 select 的开销已是 %[3]s 的 %.2[2]f 倍。"), at, rl, ep)
	}
	if hi == lo {
		return
	}
	hiAllBusy := sh.Active >= sh.Conns
	switch {
	case rh >= 1.5 && !hiAllBusy:
		r.Printf(r.T("  At %d connections, %d busy and the rest idle, select cost %.1f× as much CPU per request as %s: every call copies and checks all %d descriptors to find the few that are ready.",
			"  %d 个连接、%d 个忙碌其余空闲时，select 每请求的 CPU 是 %[4]s 的 %.1[3]f 倍：每次调用都要复制并检查全部 %[5]d 个描述符，才找出那几个就绪的。"),
			hi, sh.Active, rh, ep, hi)
	case rh >= 1.5:
		r.Printf(r.T("  At %d connections, all of them busy, select still cost %.1f× as much CPU per request as %s.",
			"  %d 个连接、全部忙碌时，select 每请求的 CPU 仍是 %[3]s 的 %.1[2]f 倍。"), hi, rh, ep)
	case rh >= 1.1:
		r.Printf(r.T("  At %d connections select cost %.1f× %s's CPU per request: more, though not by much at this size.",
			"  %d 个连接时，select 每请求的 CPU 是 %[3]s 的 %.1[2]f 倍：更多，但在这个规模上差得不多。"), hi, rh, ep)
	case rh > 0.9 && !hiAllBusy:
		r.Printf(r.T("  At %d connections select cost %.2f× %s's CPU per request: no clear difference in this run (try --conns 10000).",
			"  %d 个连接时，select 每请求的 CPU 是 %[3]s 的 %.2[2]f 倍：本次运行没有明显差别（试试 --conns 10000）。"), hi, rh, ep)
	case rh > 0.9:
		r.Printf(r.T("  At %d connections, all of them busy, select cost %.2f× %s's CPU per request: no clear difference.",
			"  %d 个连接、全部忙碌时，select 每请求的 CPU 是 %[3]s 的 %.2[2]f 倍：没有明显差别。"), hi, rh, ep)
	default:
		r.Printf(r.T("  At %d connections select cost %.2f× %s's CPU per request: less, in this run.",
			"  %d 个连接时，select 每请求的 CPU 是 %[3]s 的 %.2[2]f 倍：本次运行中反而更少。"), hi, rh, ep)
	}
	if hiAllBusy {
		// With every connection busy, one wake-up finds many ready, and
		// select's scan is shared among them: count it per request.
		r.Printf(r.T("  With every connection busy, one select wake-up served about %.0f requests: it examined %.0f descriptors per wake-up but %.1f per request; %s %.1f per request.",
			"  所有连接都忙碌时，select 一次唤醒平均处理约 %.0f 个请求：每次唤醒检查 %.0f 个描述符，摊到每个请求只有 %.1f 个；%s 每个请求 %.1f 个。"),
			requestsPerWake(sh), sh.ScannedPerWake(), scannedPerRequest(sh), ep, scannedPerRequest(eh))
	}
}

// requestsPerWake is the requests a server answered per return from its
// wait.
func requestsPerWake(p remote.Phase) float64 {
	if p.Wakes == 0 {
		return 0
	}
	return float64(p.Requests) / float64(p.Wakes)
}

// scannedPerRequest is the descriptors a server examined per request
// answered, in the same window as its CPU time.
func scannedPerRequest(p remote.Phase) float64 {
	if p.Requests == 0 || p.Scanned < 0 {
		return 0
	}
	return float64(p.Scanned) / float64(p.Requests)
}

func showThreads(r *demo.Run, c *curve) {
	th := c.phases[echo.Threads]
	ep := c.phases[echo.Epoll]
	np := c.phases[echo.Netpoll]
	if len(th) == 0 || len(ep) == 0 {
		return
	}
	t, e := th[len(th)-1], ep[len(ep)-1]
	r.Printf(r.T("  Thread per connection at %d connections: %d OS threads and %.1f KiB of resident memory per connection; the %s loop: %d threads in its process (the loop's one and the Go runtime's own), %.1f KiB.",
		"  每连接一线程，%d 个连接：%d 个 OS 线程，每连接常驻内存 %.1f KiB；%s 循环：进程里 %d 个线程（循环自己的一个，其余是 Go 运行时的），%.1f KiB。"),
		t.Conns, t.Threads, t.RSSKBPerConn(), name(r, echo.Epoll), e.Threads, e.RSSKBPerConn())
	r.Measure("threads_os_threads", t.Threads, fmt.Sprintf(r.T("OS threads for %d connections (thread per connection)", "个 OS 线程，%d 个连接（每连接一线程）"), t.Conns))
	if len(np) > 0 {
		n := np[len(np)-1]
		r.Printf(r.T("  Go's net package at %d connections: a goroutine each, but %d OS threads: the goroutines that wait are parked, and one netpoller waits for all of them.",
			"  Go 的 `net` 包，%d 个连接：每个连接一个 goroutine，却只有 %d 个 OS 线程：等待中的 goroutine 被挂起，由一个 netpoller 替它们一起等。"),
			n.Conns, n.Threads)
	}
}

// showPollBeyond: where select stopped at FD_SETSIZE, poll went on; its
// cost at the largest size is the clearest picture of O(open descriptors).
func showPollBeyond(r *demo.Run, c *curve, selectMax int) {
	n := largestCommon(c, echo.Poll, echo.Epoll)
	if n <= selectMax {
		return
	}
	p, _ := c.at(echo.Poll, n)
	e, _ := c.at(echo.Epoll, n)
	r.Printf(r.T("  At %d connections, beyond select's reach, poll examined %.0f descriptors per wake-up and cost %.1f× %s's CPU per request.",
		"  %d 个连接时（select 已无法到达），poll 每次唤醒检查 %.0f 个描述符，每请求的 CPU 是 %[4]s 的 %.1[3]f 倍。"),
		n, p.ScannedPerWake(), ratio(float64(p.CPUPer1k()), float64(e.CPUPer1k())), name(r, echo.Epoll))
}
