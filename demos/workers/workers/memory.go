//go:build unix

package workers

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/netdemo/netdemo/internal/child"
)

// idleChild is an idle process: it says it is ready and waits until its
// parent closes its stdin.
func idleChild(ctx context.Context, args []string) int {
	fmt.Println("ready")
	done := make(chan struct{})
	go func() { io.Copy(io.Discard, os.Stdin); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
	return 0
}

// procMem is the memory of k idle child processes, on average.
type procMem struct {
	RSSKB, PSSKB float64
	HasPSS, OK   bool // OK: /proc had figures (false on macOS)
}

// idleProcesses starts k idle children, reads each one's memory from /proc
// once all of them are up, and ends them.
func idleProcesses(ctx context.Context, k int) (procMem, error) {
	type idle struct {
		p     *child.Proc
		stdin io.WriteCloser
	}
	var all []idle
	defer func() {
		for _, c := range all {
			c.stdin.Close()
		}
		for _, c := range all {
			select {
			case <-c.p.Done():
			case <-time.After(2 * time.Second):
				c.p.Cmd.Process.Kill()
				<-c.p.Done()
			}
		}
	}()
	for i := 0; i < k; i++ {
		cmd, err := child.Command(ctx, childIdle, nil, nil)
		if err != nil {
			return procMem{}, err
		}
		stdin, err := cmd.StdinPipe()
		if err != nil {
			return procMem{}, fmt.Errorf("idle child: %w", err)
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			return procMem{}, fmt.Errorf("idle child: %w", err)
		}
		p, err := child.StartCmd(childIdle, cmd)
		if err != nil {
			return procMem{}, err
		}
		all = append(all, idle{p, stdin})
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || line != "ready\n" {
			return procMem{}, fmt.Errorf("idle child %d did not start: %q %v", p.PID(), line, err)
		}
	}
	var m procMem
	m.OK, m.HasPSS = true, true
	for _, c := range all {
		mm, ok := readMem(c.p.PID())
		if !ok {
			return procMem{}, nil
		}
		m.RSSKB += float64(mm.RSS)
		m.PSSKB += float64(mm.PSS)
		m.HasPSS = m.HasPSS && mm.HasPSS
	}
	m.RSSKB /= float64(k)
	m.PSSKB /= float64(k)
	return m, nil
}

// threadMem is what k idle OS threads added to this process.
type threadMem struct {
	RSSKB, VirtKB float64 // per thread
	Added         int     // threads the kernel counted more while they idled
	OK            bool
}

// idleThreads parks k goroutines, each locked to its own OS thread, reads
// /proc/self/status while they wait, then lets them exit locked, which ends
// their threads. Like createThreads, it must not run while a child lives.
func idleThreads(k int) threadMem {
	before, ok := procKB("self", "status")
	release := make(chan struct{})
	var ready, done sync.WaitGroup
	for i := 0; i < k; i++ {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			runtime.LockOSThread()
			ready.Done()
			<-release
		}()
	}
	ready.Wait()
	after, ok2 := procKB("self", "status")
	close(release)
	done.Wait()
	waitThreads(before["Threads"]+8, time.Second)
	if !ok || !ok2 {
		return threadMem{}
	}
	return threadMem{
		RSSKB:  float64(after["VmRSS"]-before["VmRSS"]) / float64(k),
		VirtKB: float64(after["VmSize"]-before["VmSize"]) / float64(k),
		Added:  after["Threads"] - before["Threads"],
		OK:     true,
	}
}

// waitThreads waits until this process has at most n threads (the threads
// of exited locked goroutines end a moment after them).
func waitThreads(n int, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		st, ok := procKB("self", "status")
		if !ok || st["Threads"] <= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// rlimitStackKB is the soft RLIMIT_STACK: the stack a C thread made with
// pthread_create reserves by default (glibc), 0 when unlimited.
func rlimitStackKB() int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_STACK, &rl); err != nil || rl.Cur > 1<<40 {
		return 0
	}
	return int(rl.Cur / 1024)
}

// stackStartBytes is the size the runtime gives a new goroutine's stack
// now: runtime/metrics "/gc/stack/starting-size:bytes". With the default
// GODEBUG adaptivestackstart=1 each GC sets it from the average stack it
// scanned; with 0 it stays at the minimum.
func stackStartBytes() int {
	s := []metrics.Sample{{Name: "/gc/stack/starting-size:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int(s[0].Value.Uint64())
}

// stackReport is what a workers-stack child measured in its fresh runtime.
type stackReport struct {
	StartBytes     int     `json:"start_bytes"`   // starting size before anything ran
	PerGoroutine   float64 `json:"per_goroutine"` // StackInuse gained per idle goroutine, bytes
	RSSPerGoroutKB float64 `json:"rss_per_kb"`    // VmRSS gained per idle goroutine
	AdaptedBytes   int     `json:"adapted_bytes"` // starting size after a GC saw deep stacks (0: not asked)
	Goroutines     int     `json:"goroutines"`    // how many idled
}

// stackChild measures goroutine stacks in a fresh process, where no dead
// goroutine's stack is waiting to be reused: args are the number of idle
// goroutines and "adapt" to also show the adaptive starting size.
func stackChild(ctx context.Context, args []string) int {
	if len(args) < 1 {
		return 2
	}
	k, err := strconv.Atoi(args[0])
	if err != nil || k < 1 {
		return 2
	}
	rep := stackReport{StartBytes: stackStartBytes(), Goroutines: k}
	rep.PerGoroutine, rep.RSSPerGoroutKB = idleGoroutines(k)
	if len(args) > 1 && args[1] == "adapt" {
		release := make(chan struct{})
		var ready, done sync.WaitGroup
		for i := 0; i < 1000; i++ {
			ready.Add(1)
			done.Add(1)
			go func() { defer done.Done(); deep(64, ready.Done, release) }()
		}
		ready.Wait()
		runtime.GC() // scans 1000 deep stacks: the average sets the start size
		rep.AdaptedBytes = stackStartBytes()
		close(release)
		done.Wait()
	}
	json.NewEncoder(os.Stdout).Encode(rep)
	return 0
}

// deep recurses n frames of about 256 bytes each, then waits.
//
//go:noinline
func deep(n int, ready func(), release chan struct{}) byte {
	var pad [256]byte
	pad[n%256] = byte(n)
	if n == 0 {
		ready()
		<-release
		return pad[0]
	}
	return deep(n-1, ready, release) + pad[n%256]
}

// idleGoroutines parks k goroutines and returns the stack memory (bytes)
// and resident memory (KiB) the process gained per goroutine.
func idleGoroutines(k int) (stackBytes, rssKB float64) {
	var before, after runtime.MemStats
	st0, _ := procKB("self", "status")
	runtime.ReadMemStats(&before)
	release := make(chan struct{})
	var ready, done sync.WaitGroup
	for i := 0; i < k; i++ {
		ready.Add(1)
		done.Add(1)
		go func() { defer done.Done(); ready.Done(); <-release }()
	}
	ready.Wait()
	runtime.ReadMemStats(&after)
	st1, _ := procKB("self", "status")
	close(release)
	done.Wait()
	return float64(after.StackInuse-before.StackInuse) / float64(k), float64(st1["VmRSS"]-st0["VmRSS"]) / float64(k)
}

// measureStacks runs the stack child twice: with GODEBUG=adaptivestackstart=0
// (the minimum stack) and with the default (adaptive start).
func measureStacks(ctx context.Context, k int) (min, adaptive stackReport, err error) {
	runOne := func(godebug string, args ...string) (stackReport, error) {
		cmd, err := child.Command(ctx, childStack, args, nil)
		if err != nil {
			return stackReport{}, err
		}
		cmd.Env = append(withoutEnv(cmd.Env, "GODEBUG"), "GODEBUG="+godebug)
		out, err := cmd.Output()
		if err != nil {
			return stackReport{}, fmt.Errorf("stack child (GODEBUG=%s): %w", godebug, err)
		}
		var rep stackReport
		if err := json.Unmarshal(out, &rep); err != nil {
			return stackReport{}, fmt.Errorf("stack child printed %q: %w", out, err)
		}
		return rep, nil
	}
	if min, err = runOne("adaptivestackstart=0", strconv.Itoa(k)); err != nil {
		return
	}
	adaptive, err = runOne("adaptivestackstart=1", strconv.Itoa(k), "adapt")
	return
}

// withoutEnv drops the variable name from env.
func withoutEnv(env []string, name string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if len(kv) > len(name) && kv[:len(name)+1] == name+"=" {
			continue
		}
		out = append(out, kv)
	}
	return out
}
