//go:build unix

package workers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
)

// run measures the three kinds of unit, then shows what each is good for.
//
// The order matters. Ending an OS thread is part of the thread
// measurements (create.go, memory.go), and on Linux a child process gets
// SIGKILL when the thread that started it ends (Pdeathsig is per thread),
// so every step that ends threads runs before the first child that must
// live long (the idle processes, the ping-pong partner, the workers).
func run(ctx context.Context, r *demo.Run) error {
	p := demo.ParamsOf[*params](r)
	if p == nil {
		p = defaultParams()
	}
	var res result

	r.Step("cores", r.T("This machine", "这台机器"))
	res.CPUs, res.GOMAXPROCS = runtime.NumCPU(), runtime.GOMAXPROCS(0)
	r.Measure("cpus", res.CPUs, r.T("CPUs", "个 CPU"))
	r.Printf(r.T("  %d CPUs, GOMAXPROCS %d: at most %d things run at the same instant here, so CPU-bound work below cannot speed up beyond %d× (waits use no CPU: they can overlap further).",
		"  %d 个 CPU，GOMAXPROCS 为 %d：这里同一时刻最多只有 %d 个执行流在跑，所以下面 CPU 密集的工作加速不会超过 %d 倍（等待不占 CPU，可以重叠得更多）。"),
		res.CPUs, res.GOMAXPROCS, res.CPUs, res.CPUs)
	if la, ok := loadAverage(); ok {
		la = round2(la)
		res.LoadAvg = &la
		if la > float64(res.CPUs)/2 {
			r.Printf(r.T("  Load average %.2f on %d CPUs: other programs are competing for them, so the timings below are slower and noisier than on an idle machine, and speed-ups may not appear.",
				"  负载均值 %.2f（%d 个 CPU）：有别的程序在抢 CPU，所以下面的耗时会比空闲机器上慢、波动大，加速也可能看不出来。"), la, res.CPUs)
		}
	}

	if err := stepCreate(ctx, r, p, &res); err != nil {
		return err
	}
	if err := stepMemory(ctx, r, p, &res); err != nil {
		return err
	}
	if err := stepSwitch(ctx, r, p, &res); err != nil {
		return err
	}
	if err := stepIsolation(ctx, r, p, &res); err != nil {
		return err
	}
	if err := stepCrash(ctx, r, &res); err != nil {
		return err
	}
	if err := stepPrefork(ctx, r, p, &res); err != nil {
		return err
	}
	if err := stepGIL(ctx, r, p, &res); err != nil {
		return err
	}
	r.Result(res)
	return ctx.Err()
}

func stepCreate(ctx context.Context, r *demo.Run, p *params, res *result) error {
	r.Step("create", r.T("Create and wait for one unit", "创建并等待一个执行单元"))
	thr, created := createThreads(p.Threads)
	res.Memory.ThreadsCreated = created
	gor := createGoroutines(p.Goroutines)
	proc, err := createProcesses(ctx, p.Procs)
	if err != nil {
		return err
	}
	res.CreateUS = perKind{Process: us(proc), Thread: us(thr), Goroutine: us(gor)}
	t := event.NewTable("create", r.T("unit", "单元"), r.T("how many", "数量"), r.T("each|µs", "每个|µs"), r.T("vs goroutine|×", "相对协程|×")).
		Titled(r.T("create + wait, one after another", "逐个创建并等待"))
	t.Row(r.T("process (fork+exec of this binary, wait4)", "进程（fork+exec 本程序，wait4）"), p.Procs, res.CreateUS.Process, ratio(res.CreateUS.Process, res.CreateUS.Goroutine))
	t.Row(r.T("OS thread (clone, then exit)", "OS 线程（clone，然后退出）"), p.Threads, res.CreateUS.Thread, ratio(res.CreateUS.Thread, res.CreateUS.Goroutine))
	t.Row(r.T("goroutine", "goroutine（协程）"), p.Goroutines, res.CreateUS.Goroutine, 1.0)
	r.Table(t)
	r.Measure("create_us.process", res.CreateUS.Process, "µs")
	r.Measure("create_us.thread", res.CreateUS.Thread, "µs")
	r.Measure("create_us.goroutine", res.CreateUS.Goroutine, "µs")
	switch {
	case created == 0:
		r.Printf("%s", r.T("  (This system has no gettid, so the run cannot show that each thread was new.)", "  （这个系统没有 gettid，无法显示每个线程都是新建的。）"))
	case created >= p.Threads*9/10:
		r.Printf(r.T("  The %d locked goroutines ran on %d distinct kernel thread ids (gettid): each one was a new thread, made with clone(2) and ended when its goroutine returned.",
			"  %d 个锁定线程的 goroutine 运行在 %d 个不同的内核线程 ID 上（gettid）：每个都是新线程，用 clone(2) 创建，goroutine 返回时线程结束。"), p.Threads, created)
	default:
		r.Printf(r.T("  The %d locked goroutines ran on only %d distinct kernel thread ids: some reused a thread, so the thread figure is a lower bound.",
			"  %d 个锁定线程的 goroutine 只运行在 %d 个不同的内核线程 ID 上：有的复用了线程，所以线程的数字偏低。"), p.Threads, created)
	}
	r.Set("create_order", orderOf(r, res.CreateUS))
	return nil
}

func stepMemory(ctx context.Context, r *demo.Run, p *params, res *result) error {
	r.Step("memory", r.T("Memory of idle units", "空闲执行单元占多少内存"))
	tm := idleThreads(p.Idle)
	minRep, adaRep, err := measureStacks(ctx, p.Idle)
	if err != nil {
		return err
	}
	pm, err := idleProcesses(ctx, p.IdleProcs)
	if err != nil {
		return err
	}
	res.Memory.StackStartBytes = stackStartBytes()
	res.Memory.StackMinBytes = minRep.StartBytes
	res.Memory.StackAdaptedBytes = adaRep.AdaptedBytes
	res.Memory.GoroutineStackBytes = round1(adaRep.PerGoroutine)
	res.Memory.GoroutineRSSKB = round2(adaRep.RSSPerGoroutKB)
	res.Memory.RLimitStackKB = rlimitStackKB()
	res.MemoryKB.Goroutine = round2(adaRep.PerGoroutine / 1024)

	t := event.NewTable("memory", r.T("unit", "单元"), r.T("idle", "空闲数量"), r.T("resident|KiB", "常驻|KiB"), r.T("proportional (PSS)|KiB", "按比例 (PSS)|KiB"), r.T("virtual|KiB", "虚拟|KiB")).
		Titled(r.T("per idle unit", "每个空闲单元"))
	if pm.OK {
		rss, pss := round1(pm.RSSKB), round1(pm.PSSKB)
		res.Memory.ProcessRSSKB = &rss
		per := rss
		var pssCell any
		if pm.HasPSS {
			res.Memory.ProcessPSSKB = &pss
			per, pssCell = pss, pss
		}
		res.MemoryKB.Process = &per
		t.Row(r.T("process", "进程"), p.IdleProcs, rss, pssCell, nil)
	} else {
		t.Row(r.T("process (no /proc here)", "进程（此系统无 /proc）"), p.IdleProcs, nil, nil, nil)
	}
	if tm.OK {
		rss, virt := round1(tm.RSSKB), round1(tm.VirtKB)
		res.MemoryKB.Thread, res.Memory.ThreadVirtualKB = &rss, &virt
		t.Row(r.T("OS thread", "OS 线程"), p.Idle, rss, nil, virt)
	} else {
		t.Row(r.T("OS thread (no /proc here)", "OS 线程（此系统无 /proc）"), p.Idle, nil, nil, nil)
	}
	t.Row(r.T("goroutine (runtime stack in use)", "goroutine（运行时栈占用）"), p.Idle, res.MemoryKB.Goroutine, nil, nil)
	r.Table(t)

	if pm.OK && pm.HasPSS && pm.PSSKB < 0.8*pm.RSSKB {
		r.Printf(r.T("  An idle child process is %.0f KiB resident but only %.0f KiB proportional: its program text and libraries are shared pages, counted whole in each process's RSS and divided among the %d sharers in PSS.",
			"  一个空闲子进程常驻 %.0f KiB，但按比例只有 %.0f KiB：程序代码和库是共享页，RSS 在每个进程里都整份计入，PSS 则按 %d 个共享者均分。"), pm.RSSKB, pm.PSSKB, p.IdleProcs)
	}
	if tm.OK {
		r.Printf(r.T("  %d idle OS threads added %d threads to this process and %.1f KiB resident each: the pages each one actually touched (its stacks, the kernel's own per-thread memory is not in RSS).",
			"  %d 个空闲 OS 线程让本进程多了 %d 个线程，每个常驻 %.1f KiB：每个线程真正碰到的页（它的栈；内核为每个线程分配的内存不计入 RSS）。"),
			p.Idle, tm.Added, tm.RSSKB)
		rl := float64(res.Memory.RLimitStackKB)
		switch {
		case rl > 0 && tm.VirtKB >= 0.9*rl:
			r.Printf(r.T("  Address space grew %.0f KiB per thread, about RLIMIT_STACK (%d KiB): this binary starts its threads through the C library (cgo), and pthread_create reserves a stack that size, touched only as it is used.",
				"  每个线程让地址空间增长 %.0f KiB，约等于 RLIMIT_STACK（%d KiB）：这个程序通过 C 库（cgo）创建线程，pthread_create 预留这么大的栈，用到才真正占内存。"), tm.VirtKB, res.Memory.RLimitStackKB)
		default:
			r.Printf(r.T("  Address space grew only %.0f KiB per thread: Go's runtime (without cgo) gives its threads small stacks of its own, where C's pthread_create would reserve RLIMIT_STACK = %d KiB each.",
				"  每个线程只让地址空间增长 %.0f KiB：不用 cgo 时 Go 运行时自己给线程分配小栈，而 C 的 pthread_create 会为每个线程预留 RLIMIT_STACK = %d KiB。"), tm.VirtKB, res.Memory.RLimitStackKB)
		}
	}
	r.Printf(r.T("  Goroutine stacks, read from the runtime (runtime/metrics /gc/stack/starting-size:bytes): minimum %d bytes (a child with GODEBUG=adaptivestackstart=0); a fresh child started goroutines at %d bytes and used %.0f bytes of stack each; after a GC had scanned 1000 deep stacks, new goroutines start at %d bytes (adaptive start); in this process now: %d bytes.",
		"  goroutine 栈大小，从运行时读出（runtime/metrics /gc/stack/starting-size:bytes）：最小 %d 字节（GODEBUG=adaptivestackstart=0 的子进程）；一个新子进程里初始栈 %d 字节，每个 goroutine 实际用栈 %.0f 字节；GC 扫描过 1000 个深栈之后，新 goroutine 的初始栈变成 %d 字节（自适应初始大小）；本进程当前为 %d 字节。"),
		res.Memory.StackMinBytes, adaRep.StartBytes, adaRep.PerGoroutine, res.Memory.StackAdaptedBytes, res.Memory.StackStartBytes)
	return nil
}

func stepSwitch(ctx context.Context, r *demo.Run, p *params, res *result) error {
	r.Step("switch", r.T("A context switch: ping-pong", "上下文切换：乒乓往返"))
	ks, err := measureKernelSwitches(ctx, p.Switches)
	if err != nil {
		return err
	}
	gor := switchGoroutines(p.Switches)
	res.SwitchUS = perKind{Process: us(time.Duration(ks.ProcessNS)), Thread: us(time.Duration(ks.ThreadNS)), Goroutine: us(gor)}
	res.Pinned = ks.Pinned
	t := event.NewTable("switch", r.T("between", "两端"), r.T("via", "通过"), r.T("round trips", "往返次数"), r.T("per switch|µs", "每次切换|µs")).
		Titled(r.T("one switch = half a round trip", "一次切换 = 半个往返")).AlignLeft(1)
	t.Row(r.T("two processes", "两个进程"), r.T("2 pipes, read/write", "2 条管道，read/write"), p.Switches, res.SwitchUS.Process)
	t.Row(r.T("two OS threads", "两个 OS 线程"), r.T("2 pipes, read/write", "2 条管道，read/write"), p.Switches, res.SwitchUS.Thread)
	t.Row(r.T("two goroutines", "两个 goroutine"), r.T("unbuffered channel", "无缓冲 channel"), p.Switches, res.SwitchUS.Goroutine)
	r.Table(t)
	r.Printf("%s", r.T("  (The two kernel ping-pongs ran in a child process: its pinned threads, and any thread the runtime cloned from them, end with it.)",
		"  （两个内核乒乓在一个子进程里进行：被绑核的线程，以及运行时从它们克隆出的线程，都随它结束。）"))
	r.Measure("switch_us.process", res.SwitchUS.Process, "µs")
	r.Measure("switch_us.thread", res.SwitchUS.Thread, "µs")
	r.Measure("switch_us.goroutine", res.SwitchUS.Goroutine, "µs")
	if res.Pinned {
		r.Printf("%s", r.T("  Both sides of each kernel ping-pong were pinned to one CPU (sched_setaffinity), so every hand-off was a real context switch by the kernel's scheduler.",
			"  内核乒乓的两端都被绑到同一个 CPU（sched_setaffinity），所以每次交接都是内核调度器做的真正的上下文切换。"))
	} else {
		r.Printf("%s", r.T("  This system cannot pin threads to a CPU: the two sides may have run on two cores, so a hand-off was a wake-up across cores as much as a switch.",
			"  这个系统不能把线程绑到某个 CPU：两端可能在两个核上，所以一次交接既是切换也是跨核唤醒。"))
	}
	r.Set("switch_ratio", ratio(res.SwitchUS.Thread, res.SwitchUS.Goroutine))
	return nil
}

func stepIsolation(ctx context.Context, r *demo.Run, p *params, res *result) error {
	r.Step("isolation", r.T("Separate memory, shared memory", "各自的内存，共享的内存"))
	iso, err := observeIsolation(ctx)
	if err != nil {
		return err
	}
	res.ChildCounterChangedParent = iso.AfterChild != iso.Before
	res.SameAddress = iso.ChildAddr == iso.ParentAddr
	switch {
	case res.ChildCounterChangedParent:
		r.Printf(r.T("  The child set its counter (at %s) to %d, and the parent's counter (at %s) changed too (%d → %d): something in this process wrote it meanwhile.",
			"  子进程把它的计数器（%s）设成了 %d，父进程的计数器（%s）也变了（%d → %d）：这期间本进程里有代码写了它。"), iso.ChildAddr, iso.ChildValue, iso.ParentAddr, iso.Before, iso.AfterChild)
	case res.SameAddress:
		r.Printf(r.T("  The child set its counter at %s to %d; the parent's counter at the same virtual address %s is still %d: two address spaces, the same numbers naming different memory.",
			"  子进程把位于 %s 的计数器设成了 %d；父进程在同一个虚拟地址 %s 上的计数器仍是 %d：两个地址空间，同一个地址指向不同的内存。"),
			iso.ChildAddr, iso.ChildValue, iso.ParentAddr, iso.AfterChild)
	default:
		r.Printf(r.T("  The child set its counter (at %s) to %d; the parent's (at %s) is still %d: two address spaces (this binary is position-independent, so the addresses differ).",
			"  子进程把它的计数器（%s）设成了 %d；父进程的（%s）仍是 %d：两个地址空间（本程序是位置无关的，所以地址不同）。"), iso.ChildAddr, iso.ChildValue, iso.ParentAddr, iso.AfterChild)
	}
	r.Printf(r.T("  A goroutine of the parent added 1000: the parent now reads %d. Goroutines and threads share one address space.",
		"  父进程里的一个 goroutine 加了 1000：父进程现在读到 %d。goroutine 和线程共享同一个地址空间。"), iso.AfterGoroutine)

	const goroutines = 4
	rr, err := observeLostUpdates(ctx, goroutines, p.RaceFor)
	if err != nil {
		return err
	}
	res.LostUpdates = lostUpdates{Unsynchronised: rr.Unsynchronised, Mutex: rr.Mutex, Atomic: rr.Atomic,
		Goroutines: goroutines, Increments: rr.Increments[0], RaceForMS: float64(p.RaceFor) / float64(time.Millisecond), RaceDetector: rr.RaceDetector,
		AllowedCPUs: rr.AllowedCPUs, UnsyncRuns: rr.UnsyncRuns, UnsyncCPUs: rr.UnsyncCPUs}
	total := rr.Increments[0]
	t := event.NewTable("lost-updates", r.T("increment", "自增方式"), r.T("made", "执行次数"), r.T("counter", "计数器"), r.T("lost", "丢失")).
		Titled(fmt.Sprintf(r.T("%d goroutines increment one counter for %v, each way (in a child process)", "%d 个 goroutine 对同一个计数器自增 %v，每种方式各一次（在子进程里）"), goroutines, p.RaceFor))
	for i, way := range []string{"c.n++", "mu.Lock(); c.n++; mu.Unlock()", "atomic.AddInt64(&c.n, 1)"} {
		lost := []int{rr.Unsynchronised, rr.Mutex, rr.Atomic}[i]
		t.Row(way, rr.Increments[i], rr.Increments[i]-lost, lost)
	}
	r.Table(t)
	r.Measure("lost_updates.unsynchronised", rr.Unsynchronised, r.T("updates lost", "次更新丢失"))
	if rr.UnsyncRuns > 1 && rr.Unsynchronised > 0 {
		r.Printf(r.T("  (The plain increments ran %d times for %v; only the last lost updates, and the table shows it.)",
			"  （普通自增跑了 %d 次，每次 %v；只有最后一次丢失了更新，表中就是这一次。）"), rr.UnsyncRuns, p.RaceFor)
	}
	switch {
	case rr.Unsynchronised > 0:
		r.Printf(r.T("  %d of %d plain increments were lost (%s%%): two goroutines loaded the same value and one store overwrote the other.",
			"  %d / %d 次普通自增丢失（%s%%）：两个 goroutine 读到了同一个值，一次写覆盖了另一次。"), rr.Unsynchronised, total, percent(rr.Unsynchronised, total))
	default:
		r.Printf(r.T("  In %d runs no plain increment was lost: the race is still there (nothing orders the accesses), it just did not bite here; try a longer --race-for.",
			"  跑了 %d 次，普通自增一个也没丢：竞态依然存在（没有任何东西给访问排序），只是这里没有表现出来；试试更长的 --race-for。"), rr.UnsyncRuns)
		switch {
		case rr.UnsyncCPUs > 0 && rr.UnsyncCPUs < 1.3:
			r.Printf(r.T("  (The racing goroutines kept only %.2f CPUs busy on average (the child's CPU time / wall time): other programs had the other cores, so the goroutines took turns on about one, and a lost update needs two running at the same instant.)",
				"  （参与竞争的 goroutine 平均只让 %.2f 个 CPU 忙着（子进程的 CPU 时间 / 墙钟时间）：其他核被别的程序占着，这些 goroutine 基本是在一个核上轮流跑，而丢失更新需要两个同时在跑。）"), rr.UnsyncCPUs)
		case res.LoadAvg == nil || *res.LoadAvg <= float64(res.CPUs):
		case incIsOneInstruction:
			r.Printf(r.T("  (At load average %.2f on %d CPUs the goroutines may never have had two CPUs at the same instant, and one core alone cannot interrupt the single instruction c.n++ compiles to on %s.)",
				"  （在负载均值 %.2f、%d 个 CPU 的情况下，这些 goroutine 可能从没同时拿到两个 CPU；而单个核无法打断 c.n++ 在 %s 上编译成的那一条指令。）"), *res.LoadAvg, res.CPUs, runtime.GOARCH)
		default:
			r.Printf(r.T("  (At load average %.2f on %d CPUs the goroutines may never have had two CPUs at the same instant; on one core an update is lost only if a goroutine is preempted between its load and its store.)",
				"  （在负载均值 %.2f、%d 个 CPU 的情况下，这些 goroutine 可能从没同时拿到两个 CPU；在单个核上，只有当一个 goroutine 恰好在读和写之间被抢占时才会丢失更新。）"), *res.LoadAvg, res.CPUs)
		}
	}
	if rr.Mutex == 0 && rr.Atomic == 0 {
		r.Printf("%s", r.T("  With a mutex or an atomic add, none was lost.", "  用互斥锁或原子加，一次也没丢。"))
	}
	if rr.RaceDetector {
		r.Printf(r.T("  This binary has the race detector: in the child it reported %d data race(s) on the plain counter.",
			"  本程序带竞态检测器编译：它在子进程里报告了 %d 处普通计数器上的数据竞争。"), rr.DataRaces)
	}
	return nil
}

func stepCrash(ctx context.Context, r *demo.Run, res *result) error {
	r.Step("crash", r.T("A crash: one worker process, or the whole process", "崩溃：只死一个工作进程，还是整个进程"))
	wc, err := observeWorkerCrash(ctx, 3, 20)
	if err != nil {
		return err
	}
	res.Crash.ProcessModelSurvivors = wc.Survivors
	res.Crash.ProcessModelRequests, res.Crash.ProcessModelRequestsOK = wc.Requests, wc.OK
	res.Crash.CrashedWorkerExitStatus = wc.ExitStatus
	r.Printf(r.T("  3 worker processes on one socket; worker %d was asked to crash and exited with status %d (%s).",
		"  3 个工作进程共享一个套接字；让 %d 号工作进程崩溃，它以状态 %d 退出（%s）。"), wc.CrashedPID, wc.ExitStatus, wc.Message)
	r.Printf(r.T("  %d workers were still running; then %d of %d requests were answered, by %d of them (PID: requests %s).",
		"  还有 %d 个工作进程在运行；之后 %d / %d 个请求得到了回答，由其中 %d 个处理（PID：请求数 %s）。"), wc.Survivors, wc.OK, wc.Requests, len(wc.Served), servedList(wc.Served))

	gp, err := observeGoroutinePanic(ctx)
	if err != nil {
		return err
	}
	res.Crash.GoroutinePanicExitStatus = gp.ExitStatus
	res.Crash.GoroutinePanicMessage = gp.Message
	res.Crash.GoroutinesAlive = gp.Alive
	if !gp.Survived && gp.ExitStatus != 0 {
		r.Printf(r.T("  A process with %d busy goroutines and a recover() in main: a fifth goroutine wrote to a nil map. The whole process ended, exit status %d, with %q; main's recover() could not catch another goroutine's panic.",
			"  一个进程里有 %d 个忙碌的 goroutine，main 里有 recover()：第五个 goroutine 写了一个 nil map。整个进程结束，退出状态 %d，输出 %q；main 的 recover() 抓不住别的 goroutine 的 panic。"),
			gp.Alive, gp.ExitStatus, gp.Message)
	} else {
		r.Printf(r.T("  The panicking child did not end as expected: exit status %d, survived %v.", "  发生 panic 的子进程没有按预期结束：退出状态 %d，存活 %v。"), gp.ExitStatus, gp.Survived)
	}
	r.Measure("crash.goroutine_panic_exit_status", gp.ExitStatus, "")
	return nil
}

func stepPrefork(ctx context.Context, r *demo.Run, p *params, res *result) error {
	r.Step("prefork", r.T("A pre-fork server: N worker processes, one socket", "pre-fork 服务器：N 个工作进程，一个套接字"))
	m, err := startMaster(ctx, "127.0.0.1:0", p.Workers, true)
	if err != nil {
		return fmt.Errorf("starting the pre-fork server: %w", err)
	}
	stopped := false
	r.OnClose(func() {
		if !stopped {
			m.Stop(time.Second)
		}
	})
	r.Printf(r.T("  master (this process) listens on %s and started %d workers %v; each inherited the listening socket as fd 3 and calls accept(2) on it.",
		"  master（本进程）监听 %s，启动了 %d 个工作进程 %v；每个都继承了这个监听套接字（fd 3），各自对它调用 accept(2)。"), m.Addr(), p.Workers, m.PIDs())
	kr := observeKill(ctx, m, p.Requests)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	pr := &res.Prefork
	pr.Workers, pr.Requests, pr.Served = p.Workers, kr.Requests, kr.Served
	pr.PIDsSeen, pr.KilledPID = len(kr.Served), kr.Killed
	pr.RespawnedPID, pr.Sigchld = kr.Reaped.Replacement, int(kr.Sigchld)
	pr.FailedRequests, pr.FailedBeforeRestart = kr.FailedAfter, kr.FailedBefore
	pr.RespawnMS = round2(kr.RespawnMS)

	t := event.NewTable("spread", "PID", r.T("requests", "请求数"), r.T("worker", "工作进程")).
		Titled(fmt.Sprintf(r.T("%d requests, a new connection each, 4 at a time", "%d 个请求，每个一条新连接，并发 4"), kr.Requests)).AlignLeft(2)
	pids := make([]int, 0, len(kr.Served))
	for pid := range kr.Served {
		pids = append(pids, pid)
	}
	for _, pid := range append(append([]int(nil), kr.Before...), kr.Reaped.Replacement) {
		if _, ok := kr.Served[pid]; !ok && pid > 0 {
			pids = append(pids, pid)
		}
	}
	sort.Ints(pids)
	for _, pid := range pids {
		note := r.T("original", "原有")
		switch pid {
		case kr.Killed:
			note = r.T("killed with SIGKILL", "被 SIGKILL 杀掉")
		case kr.Reaped.Replacement:
			note = r.T("replacement", "替补")
		}
		t.Row(pid, kr.Served[pid], note)
	}
	r.Table(t)
	switch {
	case kr.ReapTimedOut:
		r.Printf(r.T("  Worker %d was killed, and the master had not reaped it 5 s later.", "  %d 号工作进程被杀，5 秒后 master 仍未回收它。"), kr.Killed)
	case kr.ReplaceFailed != nil:
		r.Printf(r.T("  Worker %d was killed; no replacement started: %v", "  %d 号工作进程被杀；替补没能启动：%v"), kr.Killed, kr.ReplaceFailed)
	default:
		r.Printf(r.T("  After %d%% of the requests, worker %d was sent SIGKILL and ended (wait status: %s). The master received %d SIGCHLD, reaped it with wait4 and started worker %d, ready %.1f ms after the kill.",
			"  完成 %d%% 的请求后，向 %d 号工作进程发送 SIGKILL，它结束了（wait4 给出的状态：%s）。master 收到 %d 个 SIGCHLD，用 wait4 回收了它，并启动了 %d 号工作进程，杀掉后 %.1f ms 就绪。"),
			40, kr.Killed, exitWords(r, kr.Reaped), kr.Sigchld, kr.Reaped.Replacement, kr.RespawnMS)
	}
	r.Printf(r.T("  %d requests were sent after the replacement was ready: %d failed. Before it: %d failed.",
		"  替补就绪后发出了 %d 个请求：失败 %d 个。在那之前：失败 %d 个。"), kr.SentAfter, kr.FailedAfter, kr.FailedBefore)
	if kr.FailedBefore > 0 {
		r.Printf("%s", r.T("  (A connection the killed worker had already accepted dies with it: the client sees a reset or an empty reply.)",
			"  （被杀的工作进程已经 accept 的连接随它一起消失：客户端看到连接被重置或空响应。）"))
	}
	r.Measure("prefork.failed_requests", kr.FailedAfter, r.T("failed after the restart", "个请求在重启后失败"))

	// The same load on one process with a goroutine per connection.
	r.Step("compare", r.T("N processes or one process with goroutines", "N 个进程，还是一个进程加 goroutine"))
	n := 2 * p.Requests
	pr.Load = measureLoad(ctx, m, n, 8)
	single, err := startMaster(ctx, "127.0.0.1:0", 1, false)
	if err != nil {
		return fmt.Errorf("starting the one-process server: %w", err)
	}
	res.Single = measureLoad(ctx, single, n, 8)
	single.Stop(2 * time.Second)
	ct := event.NewTable("compare", r.T("server", "服务器"), r.T("processes", "进程数"), r.T("requests", "请求数"), r.T("failed", "失败"), r.T("throughput|req/s", "吞吐|请求/秒"), r.T("resident|KiB", "常驻|KiB"), "PSS|KiB").
		Titled(r.T("the same requests, 8 at a time", "同样的请求，并发 8"))
	ct.Row(fmt.Sprintf(r.T("pre-fork, %d workers", "pre-fork，%d 个工作进程"), pr.Load.Processes), pr.Load.Processes, n, pr.Load.Failed, pr.Load.RequestsPerSec, ptr(pr.Load.RSSKB), ptr(pr.Load.PSSKB))
	ct.Row(r.T("one process, goroutine per connection", "单进程，每连接一个 goroutine"), res.Single.Processes, n, res.Single.Failed, res.Single.RequestsPerSec, ptr(res.Single.RSSKB), ptr(res.Single.PSSKB))
	r.Table(ct)
	r.Printf(r.T("  On %d CPUs with the client on the same machine, the one-process server did %.0f%% of the pre-fork server's throughput.",
		"  在 %d 个 CPU、客户端也在同一台机器上的情况下，单进程服务器的吞吐是 pre-fork 的 %.0f%%。"), res.CPUs, 100*res.Single.RequestsPerSec/math.Max(pr.Load.RequestsPerSec, 1e-9))

	r.Step("graceful", r.T("SIGTERM: finish what is in flight, then exit", "SIGTERM：做完手头的请求再退出"))
	g := observeGraceful(ctx, m, p.Workers, 200)
	stopped = true
	pr.GracefulInflight, pr.GracefulInflightCompleted, pr.GracefulExitCodes = g.Inflight, g.Completed, g.ExitCodes
	sort.Ints(pr.GracefulExitCodes)
	r.Printf(r.T("  %d slow requests (200 ms) were in flight (their headers had arrived) when every worker got SIGTERM; %d of them completed, the workers exited with status %v, %.0f ms after the signal.",
		"  所有工作进程收到 SIGTERM 时，有 %d 个慢请求（200 ms）正在处理（响应头已到达）；其中 %d 个完整完成，工作进程以状态 %v 退出，距信号 %.0f ms。"),
		g.Inflight, g.Completed, pr.GracefulExitCodes, g.StopMS)
	r.Measure("prefork.graceful_inflight_completed", g.Completed, r.T("in-flight requests completed", "个进行中的请求完成"))
	return ctx.Err()
}

func stepGIL(ctx context.Context, r *demo.Run, p *params, res *result) error {
	// Without python3 there is no GIL step at all: one line, in the Go
	// step, says so.
	var py *pythonReport
	err := errNoPython
	if _, lookErr := exec.LookPath("python3"); lookErr == nil {
		r.Step("gil", r.T("Python's GIL, with the real python3", "Python 的 GIL，用真正的 python3"))
		py, err = runPython(ctx, p.PyLoop)
	}
	switch {
	case errors.Is(err, errNoPython):
		r.Step("go-gil", r.T("The same work in Go: GOMAXPROCS=1 and NumCPU", "同样的工作用 Go：GOMAXPROCS=1 与 NumCPU"))
		r.Printf("%s", r.T("  python3 is not installed, so CPython's GIL is not measured here (apt-get install python3, or brew install python).",
			"  没有安装 python3，这里不测 CPython 的 GIL（apt-get install python3，或 brew install python）。"))
		r.Set("gil_summary", r.T("not measured (python3 is not installed).", "未测（没有安装 python3）。"))
	case err != nil:
		return err
	default:
		g := py.gilResult
		g.SwitchIntervalS = py.SwitchIntervalS
		round3 := func(x *float64) { *x = math.Round(*x*1000) / 1000 }
		round3(&g.CPU.Threads1S)
		round3(&g.CPU.Threads4S)
		round3(&g.CPU.Processes4S)
		round3(&g.IO.Threads1S)
		round3(&g.IO.Threads4S)
		g.CPU.Threads4Cores = round2(g.CPU.Threads4Cores)
		res.GIL = &g
		r.Printf("  %s: %s", g.Executable, firstLine(g.Python))
		from := r.T("sys._is_gil_enabled()", "sys._is_gil_enabled()")
		if g.GILEnabledFrom != "sys._is_gil_enabled()" {
			from = r.T("Python before 3.13 has no sys._is_gil_enabled; a build without free threading always has the GIL",
				"3.13 之前的 Python 没有 sys._is_gil_enabled；不是自由线程的构建总是有 GIL")
		}
		g.GILEnabledFrom = from
		switch {
		case g.FreeThreaded && !g.GILEnabled:
			r.Printf(r.T("  A free-threaded build (PEP 703) with the GIL off (%s).", "  自由线程构建（PEP 703），GIL 已关闭（%s）。"), from)
		case g.FreeThreaded:
			r.Printf(r.T("  A free-threaded build (PEP 703), but the GIL is on (%s).", "  自由线程构建（PEP 703），但 GIL 是开着的（%s）。"), from)
		default:
			r.Printf(r.T("  Not a free-threaded build: the GIL is on (%s).", "  不是自由线程构建：GIL 开着（%s）。"), from)
		}
		r.Printf(r.T("  sys.getswitchinterval() = %g s: a thread waiting for the GIL asks the holder to drop it after this long.",
			"  sys.getswitchinterval() = %g 秒：等待 GIL 的线程等这么久后会请求持有者释放它。"), g.SwitchIntervalS)
		t := event.NewTable("gil", r.T("work", "工作"), r.T("split over", "分给"), r.T("wall|s", "耗时|s"), r.T("speed-up|×", "加速|×")).
			Titled(fmt.Sprintf(r.T("the same total work (%d loop iterations; %d socket waits of %d ms), best of %d", "同样的总工作量（%d 次循环；%d 次 %d ms 的套接字等待），取 %d 次中最快"), p.PyLoop, ioWaits, ioWaitMS, bestOf)).AlignLeft(1)
		cpu, io := r.T("CPU: pure Python loop", "CPU：纯 Python 循环"), r.T("IO: socket waits", "IO：套接字等待")
		t.Row(cpu, r.T("1 thread", "1 个线程"), g.CPU.Threads1S, 1.0)
		t.Row(cpu, r.T("4 threads", "4 个线程"), g.CPU.Threads4S, ratio(g.CPU.Threads1S, g.CPU.Threads4S))
		t.Row(cpu, fmt.Sprintf(r.T("4 processes (multiprocessing, %s)", "4 个进程（multiprocessing，%s）"), g.StartMethod), g.CPU.Processes4S, ratio(g.CPU.Threads1S, g.CPU.Processes4S))
		t.Row(io, r.T("1 thread", "1 个线程"), g.IO.Threads1S, 1.0)
		t.Row(io, r.T("4 threads", "4 个线程"), g.IO.Threads4S, ratio(g.IO.Threads1S, g.IO.Threads4S))
		r.Table(t)
		r.Set("gil_summary", gilSummary(r, &g, res.CPUs))
		r.Printf("  %s", gilSummary(r, &g, res.CPUs))
		r.Step("go-gil", r.T("The same work in Go: GOMAXPROCS=1 and NumCPU", "同样的工作用 Go：GOMAXPROCS=1 与 NumCPU"))
	}
	one, err := runGoWork(ctx, p.GoLoop, 1)
	if err != nil {
		return err
	}
	all, err := runGoWork(ctx, p.GoLoop, res.CPUs)
	if err != nil {
		return err
	}
	res.Go.N = all.GOMAXPROCS
	res.Go.CPU.GOMAXPROCS1S, res.Go.CPU.GOMAXPROCSNS = round3f(one.CPUS), round3f(all.CPUS)
	res.Go.IO.GOMAXPROCS1S, res.Go.IO.GOMAXPROCSNS = round3f(one.IOS), round3f(all.IOS)
	t := event.NewTable("go-gil", r.T("work, over 4 goroutines", "工作（4 个 goroutine）"), "GOMAXPROCS", r.T("wall|s", "耗时|s"), r.T("speed-up|×", "加速|×")).
		Titled(fmt.Sprintf(r.T("%d loop iterations (best of %d); %d socket waits of %d ms; one child process per GOMAXPROCS", "%d 次循环（取 %d 次中最快）；%d 次 %d ms 的套接字等待；每个 GOMAXPROCS 一个子进程"), p.GoLoop, bestOf, ioWaits, ioWaitMS))
	t.Row(r.T("CPU loop", "CPU 循环"), one.GOMAXPROCS, res.Go.CPU.GOMAXPROCS1S, 1.0)
	t.Row(r.T("CPU loop", "CPU 循环"), all.GOMAXPROCS, res.Go.CPU.GOMAXPROCSNS, ratio(one.CPUS, all.CPUS))
	t.Row(r.T("socket waits", "套接字等待"), one.GOMAXPROCS, res.Go.IO.GOMAXPROCS1S, 1.0)
	t.Row(r.T("socket waits", "套接字等待"), all.GOMAXPROCS, res.Go.IO.GOMAXPROCSNS, ratio(one.IOS, all.IOS))
	r.Table(t)
	sp := ratio(one.CPUS, all.CPUS)
	r.Set("go_speedup", sp)
	switch {
	case all.GOMAXPROCS < 2:
		r.Printf("%s", r.T("  This machine has one CPU: GOMAXPROCS=NumCPU is GOMAXPROCS=1, and there is no parallelism to show.",
			"  这台机器只有一个 CPU：GOMAXPROCS=NumCPU 就是 GOMAXPROCS=1，没有并行可以展示。"))
	case sp > float64(all.GOMAXPROCS)*1.1:
		r.Printf(r.T("  With GOMAXPROCS=%d the CPU loop ran %.2f× faster than with 1, more than its %d CPUs allow: other programs slowed the GOMAXPROCS=1 runs more than the others; take the speed-up as about %d×.",
			"  GOMAXPROCS=%d 时 CPU 循环比 1 时快 %.2f 倍，超过了 %d 个 CPU 所能给的：别的程序拖慢 GOMAXPROCS=1 那几次更多；这个加速应看作约 %d 倍。"), all.GOMAXPROCS, sp, all.GOMAXPROCS, all.GOMAXPROCS)
	case sp >= 1.3:
		r.Printf(r.T("  With GOMAXPROCS=%d the CPU loop ran %.2f× faster than with 1 (%d CPUs here): goroutines run Go code in parallel, there is no global lock.",
			"  GOMAXPROCS=%d 时 CPU 循环比 1 时快 %.2f 倍（这里有 %d 个 CPU）：goroutine 并行执行 Go 代码，没有全局锁。"), all.GOMAXPROCS, sp, res.CPUs)
	case res.LoadAvg != nil && *res.LoadAvg > float64(res.CPUs)/2:
		r.Printf(r.T("  With GOMAXPROCS=%d the CPU loop ran only %.2f× as fast as with 1: the goroutines could run in parallel, but other programs were using the CPUs (load average %.2f).",
			"  GOMAXPROCS=%d 时 CPU 循环的速度只有 1 时的 %.2f 倍：goroutine 本可以并行，但别的程序在用这些 CPU（负载均值 %.2f）。"), all.GOMAXPROCS, sp, *res.LoadAvg)
	default:
		r.Printf(r.T("  With GOMAXPROCS=%d the CPU loop ran only %.2f× as fast as with 1: something else had the other CPUs during this run, or the loop was too short; try a larger --go-loop.",
			"  GOMAXPROCS=%d 时 CPU 循环的速度只有 1 时的 %.2f 倍：这次运行期间其他 CPU 被别的东西占着，或者循环太短；试试更大的 --go-loop。"), all.GOMAXPROCS, sp)
	}
	r.Printf(r.T("  The socket waits took %.3f s with GOMAXPROCS=1 (%d × %d ms over 4 goroutines, %.3f s if done one after another): a waiting goroutine holds no P.",
		"  GOMAXPROCS=1 时套接字等待用了 %.3f 秒（%d × %d ms 分给 4 个 goroutine，依次做要 %.3f 秒）：等待中的 goroutine 不占 P。"),
		one.IOS, ioWaits, ioWaitMS, float64(ioWaits*ioWaitMS)/1000)
	return nil
}

// gilSummary words what the Python run showed, from its numbers.
func gilSummary(r *demo.Run, g *gilResult, cpus int) string {
	thr := ratio(g.CPU.Threads1S, g.CPU.Threads4S)
	proc := ratio(g.CPU.Threads1S, g.CPU.Processes4S)
	io := ratio(g.IO.Threads1S, g.IO.Threads4S)
	var s string
	if g.CPU.Threads4Cores < 1.2 {
		s = fmt.Sprintf(r.T("4 CPU-bound threads kept %.2f CPUs busy on average in their busiest run (CPU time / wall time): one thread at a time held the GIL. ", "4 个 CPU 密集线程在最忙的一次里平均只让 %.2f 个 CPU 忙着（CPU 时间 / 墙钟时间）：同一时刻只有一个线程持有 GIL。"), g.CPU.Threads4Cores)
	} else {
		s = fmt.Sprintf(r.T("4 CPU-bound threads kept %.2f CPUs busy on average in their busiest run (CPU time / wall time): they ran Python in parallel. ", "4 个 CPU 密集线程在最忙的一次里平均让 %.2f 个 CPU 忙着（CPU 时间 / 墙钟时间）：它们在并行执行 Python。"), g.CPU.Threads4Cores)
	}
	if thr < 1.3 {
		s += fmt.Sprintf(r.T("4 threads ran the CPU-bound loop at %.2f× the speed of 1 (no speed-up)", "4 个线程跑 CPU 密集循环的速度是 1 个线程的 %.2f 倍（没有加速）"), thr)
	} else {
		s += fmt.Sprintf(r.T("4 threads ran the CPU-bound loop %.2f× faster than 1 (in wall time; on a busy machine a single run can be slowed by other programs)", "4 个线程跑 CPU 密集循环比 1 个线程快 %.2f 倍（墙钟时间；机器繁忙时单次运行可能被其他程序拖慢）"), thr)
	}
	switch {
	case proc > float64(min(4, cpus))*1.1:
		s += fmt.Sprintf(r.T("; 4 processes ran it %.2f× faster, more than %d CPUs allow: other programs slowed the 1-thread runs more than the others", "；4 个进程快 %.2f 倍，超过了 %d 个 CPU 所能给的：别的程序拖慢 1 个线程那几次更多"), proc, min(4, cpus))
	case proc >= 1.3:
		s += fmt.Sprintf(r.T("; 4 processes ran it %.2f× faster (%d CPUs)", "；4 个进程快 %.2f 倍（%d 个 CPU）"), proc, cpus)
	default:
		s += fmt.Sprintf(r.T("; 4 processes ran it at %.2f× the speed of 1 thread: no speed-up this time (with %d CPUs, either the other CPUs were busy or starting the processes outweighed the work; try a larger --py-loop)",
			"；4 个进程的速度是 1 个线程的 %.2f 倍：这次没有加速（%d 个 CPU 上，要么其他 CPU 正忙，要么启动进程的开销超过了工作量；试试更大的 --py-loop）"), proc, cpus)
	}
	if io >= 1.3 {
		s += fmt.Sprintf(r.T("; 4 threads did the socket waits %.2f× faster than 1 (a thread waiting in the kernel has released the GIL).", "；4 个线程做套接字等待比 1 个线程快 %.2f 倍（在内核里等待的线程已释放 GIL）。"), io)
	} else {
		s += fmt.Sprintf(r.T("; 4 threads did the socket waits at only %.2f× the speed of 1: this run did not show the waits overlapping.", "；4 个线程做套接字等待的速度只有 1 个线程的 %.2f 倍：这次没有看到等待重叠。"), io)
	}
	return s
}

// percent is 100·a/b with one decimal, or two significant digits below 0.1
// (966 of 176 million is 0.00055%, not 0.0%).
func percent(a, b int) string {
	if b == 0 {
		return "0"
	}
	x := 100 * float64(a) / float64(b)
	if x >= 0.1 {
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return strconv.FormatFloat(x, 'g', 2, 64)
}

// orderOf words the create costs from cheapest to dearest.
func orderOf(r *demo.Run, c perKind) string {
	return fmt.Sprintf(r.T("a goroutine %.2f µs, an OS thread %.1f µs (%.0f×), a process %.0f µs (%.0f×)", "goroutine %.2f µs，OS 线程 %.1f µs（%.0f 倍），进程 %.0f µs（%.0f 倍）"),
		c.Goroutine, c.Thread, ratio(c.Thread, c.Goroutine), c.Process, ratio(c.Process, c.Goroutine))
}

func servedList(m map[int]int) string {
	pids := make([]int, 0, len(m))
	for pid := range m {
		pids = append(pids, pid)
	}
	sort.Ints(pids)
	s := ""
	for i, pid := range pids {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%d: %d", pid, m[pid])
	}
	return s
}

func us(d time.Duration) float64 { return round2(float64(d) / float64(time.Microsecond)) }

func round2(x float64) float64  { return math.Round(x*100) / 100 }
func round3f(x float64) float64 { return math.Round(x*1000) / 1000 }

// ratio is a/b to two decimals (0 when b is 0).
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return round2(a / b)
}

// ptr is a table cell for an optional figure.
func ptr(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// exitWords says how a reaped worker ended: its signal or its status.
func exitWords(r *demo.Run, ex exited) string {
	if ex.Signal != "" {
		return ex.Signal
	}
	return fmt.Sprintf(r.T("exit status %d", "退出状态 %d"), ex.Code)
}
