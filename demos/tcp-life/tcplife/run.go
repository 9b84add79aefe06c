package tcplife

import (
	"context"
	"errors"

	"github.com/netdemo/netdemo/internal/demo"
)

// run shows TCP's life in nine steps, each where it can be seen: the
// kernel's own table and system calls for states, queues and Nagle; the
// lab, whose wire the demo controls, for the SYN flood, the zero window
// and congestion control. A step that this system cannot show says so in
// one line, and the run goes on.
func run(ctx context.Context, r *demo.Run) error {
	p := demo.ParamsOf[*params](r)
	var res result

	// 1–2. States and TIME_WAIT, from the kernel's table.
	r.Step("states", r.T("One connection's states, read from the kernel", "一个连接的状态，从内核读出"))
	lf, err := observeLife(ctx)
	switch {
	case errors.Is(err, errNoKernelTable):
		cannot(r, err)
	case err != nil:
		return err
	default:
		showLife(r, lf)
		res.States.ActiveCloser, res.States.PassiveCloser = names(lf.Active), names(lf.Passive)
	}
	r.Step("time-wait", r.T("How long TIME_WAIT lasts here: its timer, read", "TIME_WAIT 在本机持续多久：读它的定时器"))
	if err == nil {
		res.TimeWaitS = showTimeWait(r, lf)
	} else {
		cannot(r, errNoKernelTable)
	}

	// 3. CLOSE_WAIT piling up.
	r.Step("close-wait", r.T("A server that forgets to close: CLOSE_WAIT piles up", "忘记 close 的服务器：CLOSE_WAIT 越积越多"))
	cw, err := observeCloseWait(ctx, p.Clients)
	switch {
	case errors.Is(err, errNoKernelTable):
		cannot(r, err)
	case err != nil:
		return err
	default:
		showCloseWait(r, cw)
		res.CloseWaitPiled = cw.Piled
	}

	// 4. Restarting a listener over TIME_WAIT.
	r.Step("reuseaddr", r.T("Restarting a server while its port has TIME_WAIT sockets", "端口上还有 TIME_WAIT 时重启服务器"))
	rb, err := observeRebind()
	switch {
	case errors.Is(err, errNeedsUnix):
		cannot(r, err)
	case err != nil:
		return err
	default:
		showRebind(r, rb)
		res.ReuseAddr = reuseResult{Without: rb.Without, With: rb.With}
	}

	// 5. The accept queue.
	r.Step("backlog", r.T("A server that does not accept(): the listen queue fills", "不调用 accept() 的服务器：监听队列满了"))
	bl, err := observeBacklog(ctx, p.Long)
	switch {
	case errors.Is(err, errNeedsUnix):
		cannot(r, err)
	case err != nil:
		return err
	default:
		showBacklog(r, bl)
		res.Backlog = backlogResult{Backlog: bl.Backlog, ConnectMS: bl.ConnectMS}
	}

	// 6–8 on the lab.
	r.Step("syn-flood", r.T("A SYN flood on the lab, and SYN cookies", "实验网络上的 SYN 洪泛与 SYN cookie"))
	l, err := r.NewLab()
	if err != nil {
		return err
	}
	sf, err := observeSYNFlood(ctx, l, p.Flood, r.Seed)
	if err != nil {
		return err
	}
	l.Close()
	showSYNFlood(r, sf)
	res.SYNFlood = synFloodResult{SpoofedSYNs: sf.Spoofed, SYNCookiesUsed: sf.During.OK && sf.CookiesRcvd > 0,
		RealClientConnectMS: ms(sf.During.Connect), SYNACKsToVoid: sf.SYNACKsToVoid, HalfOpen: sf.HalfOpen}

	r.Step("zero-window", r.T("Flow control: a reader that stops reading", "流量控制：停止读取的接收方"))
	l, err = r.NewLab()
	if err != nil {
		return err
	}
	zw, err := observeZeroWindow(ctx, l)
	if err != nil {
		return err
	}
	l.Close()
	showZeroWindow(r, zw)
	res.ZeroWindow = zeroWindowResult{Seen: zw.FirstZero >= 0, Probes: len(zw.Probes), StallMS: ms(zw.Stall)}

	r.Step("congestion", r.T("Congestion control: slow start, one loss, Reno vs CUBIC", "拥塞控制：慢启动、一次丢包、Reno 与 CUBIC"))
	var runs [2]ccRun
	for i, alg := range []string{"reno", "cubic"} {
		// The same link and seed for both: only the algorithm differs.
		l, err := r.NewLabWith(r.Link, r.Seed)
		if err != nil {
			return err
		}
		if runs[i], err = observeCongestion(ctx, l, alg); err != nil {
			return err
		}
		l.Close()
	}
	showCongestion(r, runs[0], runs[1])
	res.Congestion.Reno = ccResult{FlightPerRTT: runs[0].Flight, CutAfterLoss: round2(runs[0].Cut), Resent: runs[0].Resent}
	res.Congestion.Cubic = ccResult{FlightPerRTT: runs[1].Flight, CutAfterLoss: round2(runs[1].Cut), Resent: runs[1].Resent}

	// 9. Nagle and delayed ACK, on the kernel's loopback.
	r.Step("nagle", r.T("Nagle and delayed ACK: write, write, read", "Nagle 与延迟确认：写、写、读"))
	ng, err := observeNagle(ctx, p.Exchanges)
	if err != nil {
		return err
	}
	showNagle(r, ng)
	res.Nagle = nagleResult{NoDelayMSP50: ms(p50(ng.NoDelay)), NagleMSP50: ms(p50(ng.Nagle))}

	r.Result(res)
	return nil
}

// cannot says in one line that this system cannot show a step.
func cannot(r *demo.Run, err error) {
	r.Printf(r.T("  not shown here: %v.", "  此处无法展示：%v。"), localized(r, err))
}

func localized(r *demo.Run, err error) string {
	switch {
	case errors.Is(err, errNoKernelTable):
		return r.T(err.Error(), "内核的 TCP 表要通过 Linux 的 sock_diag 读取，本系统没有")
	case errors.Is(err, errNeedsUnix):
		return r.T(err.Error(), "这一步要做 Unix（Linux 或 macOS）才有的原始套接字系统调用")
	}
	return err.Error()
}

// round2 rounds to two decimals.
func round2(x float64) float64 { return float64(int(x*100+0.5)) / 100 }
