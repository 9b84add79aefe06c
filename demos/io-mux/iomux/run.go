package iomux

import (
	"context"
	"fmt"

	"github.com/netdemo/netdemo/demos/io-mux/iomux/echo"
	"github.com/netdemo/netdemo/demos/io-mux/iomux/proc"
	"github.com/netdemo/netdemo/internal/demo"
)

// descriptorSlack is what a process needs besides its connections: stdio,
// the runtime's poller, listeners, pipes to its children.
const descriptorSlack = 64

// run measures the five servers, then shows select's limit, the
// edge-triggered rule and where Flask multiplexes.
func run(ctx context.Context, r *demo.Run) error {
	p := demo.ParamsOf[*params](r)
	res := result{Mechanism: echo.EventMechanism, Active: p.Active, Requests: p.Requests}

	// python3 takes a while to start (longer behind a pyenv shim): its two
	// servers start now and wait, idle, for the last step.
	var pys *pyServers
	if py := findPython(); py != "" {
		pys = startPythonServers(ctx, r, py)
	}

	r.Step("models", r.T("One echo protocol, five servers", "一个回显协议，五种服务器"))
	nofile, err := proc.RaiseNoFile()
	if err != nil {
		return err
	}
	res.NofileLimit = nofile
	r.Measure("nofile_limit", nofile, r.T("descriptors per process (RLIMIT_NOFILE, raised to the hard limit)", "个描述符 / 进程（RLIMIT_NOFILE，已提到硬限制）"))
	maxConns := p.Conns
	if maxConns > nofile-descriptorSlack {
		maxConns = nofile - descriptorSlack
		r.Printf(r.T("  This process may open %d descriptors: the curve stops at %d connections instead of %d.",
			"  本进程最多能打开 %d 个描述符：曲线在 %d 个连接处停止，而不是 %d。"), nofile, maxConns, p.Conns)
	}
	if maxConns < 10 {
		return fmt.Errorf("RLIMIT_NOFILE is %d: too few descriptors for 10 connections", nofile)
	}
	for _, k := range echo.Kinds {
		r.Printf("  %s — %s", name(r, k), describe(r, k))
	}

	r.Step("curve", r.T("N connections open, K of them busy", "打开 N 个连接，其中 K 个忙碌"))
	c, err := measureCurve(ctx, r, connSteps(maxConns), p.Active, p.Requests)
	if err != nil {
		return err
	}
	showCurve(r, c, p.Active)
	res.Servers = c.result()

	r.Step("select-limit", r.T("select and FD_SETSIZE: descriptor 1024", "select 与 FD_SETSIZE：第 1024 号描述符"))
	lim, err := observeSelectLimit(r, nofile)
	if err != nil {
		return err
	}
	showSelectLimit(r, lim)
	res.SelectLimit = lim

	r.Step("edge", r.T("Edge-triggered: read until EAGAIN", "边缘触发：一直读到 EAGAIN"))
	edge, err := observeEdge()
	if err != nil {
		return err
	}
	showEdge(r, edge)
	res.EdgeTriggered = edge

	r.Step("flask", r.T("Where a Flask deployment multiplexes", "Flask 部署里多路复用在哪里"))
	if pys == nil {
		r.Printf("%s", r.T("  python3 is not installed, so only the Go side ran (apt-get install python3, or brew install python3).",
			"  没有安装 python3，只运行了 Go 这一边（apt-get install python3 或 brew install python3）。"))
	} else {
		pr, err := observePython(ctx, r, pys)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			// python3 is there but did not do its part: say so, in one
			// line, and report no Python numbers.
			r.Printf(r.T("  python3 is installed but its servers did not answer: %v", "  装了 python3，但它的服务器没有应答：%v"), err)
		default:
			showPython(r, pr)
			res.Python = pr
		}
	}
	setPlaceholders(r, &res, c, pys != nil)
	r.Result(res)
	return nil
}

func describe(r *demo.Run, k echo.Kind) string {
	switch k {
	case echo.Threads:
		return r.T("one OS thread per connection, blocked in read(2) on its own descriptor",
			"每个连接一个 OS 线程，阻塞在自己描述符的 read(2) 上")
	case echo.Select:
		return r.T("one thread, one select(2) over bitmasks of every descriptor",
			"一个线程，一次 select(2) 传入覆盖所有描述符的位图")
	case echo.Poll:
		return r.T("one thread, one poll(2) over an array of every descriptor",
			"一个线程，一次 poll(2) 传入所有描述符的数组")
	case echo.Epoll:
		if echo.EventMechanism == "kqueue" {
			return r.T("one thread, kqueue(2): descriptors registered once, kevent returns the ready ones",
				"一个线程，kqueue(2)：描述符只注册一次，kevent 只返回就绪的")
		}
		return r.T("one thread, epoll(7): descriptors registered once, epoll_wait returns the ready ones",
			"一个线程，epoll(7)：描述符只注册一次，epoll_wait 只返回就绪的")
	}
	return r.T("Go's `net` package: a goroutine per connection, blocking-looking `Read`, the runtime's netpoller underneath",
		"Go 的 `net` 包：每连接一个 goroutine，看似阻塞的 `Read`，底下是运行时的 netpoller")
}

// setPlaceholders gives "what you just saw" the values it names beyond the
// result's own fields.
func setPlaceholders(r *demo.Run, res *result, c *curve, pyFound bool) {
	r.Set("mechanism", echo.EventMechanism)
	r.Set("max_conns", c.steps[len(c.steps)-1])
	r.Set("edge_note", edgeNote(r, res.EdgeTriggered))
	r.Set("select_note", selectNote(r, res.SelectLimit))
	switch {
	case res.Python == nil && !pyFound:
		r.Set("python_note", r.T("python3 was not installed, so the Python servers did not run",
			"没有安装 python3，Python 服务器没有运行"))
	case res.Python == nil:
		r.Set("python_note", r.T("python3 was installed but its servers did not answer, so there are no Python numbers",
			"装了 python3，但它的服务器没有应答，所以没有 Python 的数字"))
	default:
		p := res.Python
		if r.Lang == "zh" {
			r.Set("python_note", fmt.Sprintf("Python %s 选择了 %s；单线程 HTTPServer 因一个空闲连接让请求等了 %.0f ms，ThreadingHTTPServer 为 %d 个空闲连接运行了 %d 个线程",
				p.Version, p.Selector, p.SingleThreadBlockedMS, p.IdleConns, p.ThreadedThreads))
		} else {
			r.Set("python_note", fmt.Sprintf("Python %s picked %s; its single-thread HTTPServer kept a request waiting %.0f ms behind one idle connection, and ThreadingHTTPServer ran %d threads for %d idle connections",
				p.Version, p.Selector, p.SingleThreadBlockedMS, p.ThreadedThreads, p.IdleConns))
		}
	}
}

func edgeNote(r *demo.Run, e edgeResult) string {
	var a, b string
	if e.Stalled {
		a = fmt.Sprintf(r.T("one read per event stalled after %d bytes, %d left unread in the socket", "每个事件只读一次，回显 %d 字节后卡住，套接字里留下 %d 字节未读"), e.EchoedStalled, e.UnreadStalled)
	} else {
		a = fmt.Sprintf(r.T("one read per event did not stall this time (%d bytes echoed)", "每个事件只读一次，这次没有卡住（回显 %d 字节）"), e.EchoedStalled)
	}
	if e.Fixed {
		b = r.T("reading until EAGAIN echoed everything", "读到 EAGAIN 则全部回显")
	} else {
		b = r.T("reading until EAGAIN did not echo everything either", "读到 EAGAIN 也没有全部回显")
	}
	return a + r.T("; ", "；") + b
}

func selectNote(r *demo.Run, l selectLimit) string {
	if l.RefusedFD == 0 {
		return fmt.Sprintf(r.T("this process could not reach descriptor %d (%s), so select's limit was not hit", "本进程到不了第 %d 号描述符（%s），所以没有碰到 select 的上限"), l.FDSetSize, l.Error)
	}
	s := fmt.Sprintf(r.T("the select server accepted a connection as descriptor %d and could not watch it (`%s`)", "select 服务器接受的连接是 %d 号描述符，无法监视它（`%s`）"), l.RefusedFD, l.Error)
	if l.PollServed {
		s += fmt.Sprintf(r.T("; the poll server answered a client at descriptor %d", "；poll 服务器在 %d 号描述符上回答了客户端"), l.PollFD)
	}
	return s
}
