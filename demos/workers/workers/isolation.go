//go:build unix

package workers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/netdemo/netdemo/internal/child"
)

// counter is the variable the isolation step changes: in a child process
// (its own copy) and in a goroutine (this one). Atomic, so that concurrent
// runs of the demo in one process stay race-free.
var counter atomic.Int64

// counterChild sets its own counter to args[0] + 1000 and prints the
// counter's virtual address and value.
func counterChild(ctx context.Context, args []string) int {
	if len(args) != 1 {
		return 2
	}
	v, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil {
		return 2
	}
	counter.Store(v)
	counter.Add(1000)
	fmt.Printf("%p %d\n", &counter, counter.Load())
	return 0
}

// isolation is what the counter showed.
type isolation struct {
	ParentAddr, ChildAddr string
	Before, ChildValue    int64
	AfterChild            int64 // the parent's counter after the child changed its own
	AfterGoroutine        int64 // after a goroutine of the parent added 1000
}

// observeIsolation changes the counter in a child process, then in a
// goroutine, and reads the parent's each time.
func observeIsolation(ctx context.Context) (isolation, error) {
	var iso isolation
	iso.ParentAddr = fmt.Sprintf("%p", &counter)
	iso.Before = counter.Load()
	cmd, err := child.Command(ctx, childCounter, []string{strconv.FormatInt(iso.Before, 10)}, nil)
	if err != nil {
		return iso, err
	}
	out, err := cmd.Output()
	if err != nil {
		return iso, fmt.Errorf("counter child: %w", err)
	}
	f := strings.Fields(string(out))
	if len(f) != 2 {
		return iso, fmt.Errorf("counter child printed %q, want an address and a value", out)
	}
	iso.ChildAddr = f[0]
	if iso.ChildValue, err = strconv.ParseInt(f[1], 10, 64); err != nil {
		return iso, fmt.Errorf("counter child printed %q: %w", out, err)
	}
	iso.AfterChild = counter.Load()
	done := make(chan struct{})
	go func() { counter.Add(1000); close(done) }()
	<-done
	iso.AfterGoroutine = counter.Load()
	return iso, nil
}

// shared is the memory four goroutines increment.
type shared struct {
	n  int64
	mu sync.Mutex
}

// incIsOneInstruction: on x86, c.n++ on a memory operand compiles to one
// instruction (INCQ mem, with no LOCK prefix). One core cannot be
// interrupted inside an instruction, so there only two cores at the same
// instant can lose an update; on load/store machines (arm64) c.n++ is three
// instructions and a preemption between them can lose one on one core.
var incIsOneInstruction = runtime.GOARCH == "amd64" || runtime.GOARCH == "386"

// batch is how many increments a goroutine makes between looks at the
// clock's stop flag.
const batch = 1024

// raceRuns is how many times the plain increments run while none is lost:
// on a busy machine one short run may never get two CPUs at once.
const raceRuns = 4

// addUnsynchronised makes plain increments until stop: load, add, store.
// Two of them interleaved on two cores can both load the same value, and
// one store overwrites the other: an update is lost. This is a data race on
// purpose. It returns how many increments it made.
//
//go:noinline
func addUnsynchronised(c *shared, stop *atomic.Bool) int {
	n := 0
	for !stop.Load() {
		for j := 0; j < batch; j++ {
			c.n++
		}
		n += batch
	}
	return n
}

//go:noinline
func addMutex(c *shared, stop *atomic.Bool) int {
	n := 0
	for !stop.Load() {
		for j := 0; j < batch; j++ {
			c.mu.Lock()
			c.n++
			c.mu.Unlock()
		}
		n += batch
	}
	return n
}

//go:noinline
func addAtomic(c *shared, stop *atomic.Bool) int {
	n := 0
	for !stop.Load() {
		for j := 0; j < batch; j++ {
			atomic.AddInt64(&c.n, 1)
		}
		n += batch
	}
	return n
}

// raceReport is what the race child measured.
type raceReport struct {
	Unsynchronised int     `json:"unsynchronised"` // updates lost
	Mutex          int     `json:"mutex"`
	Atomic         int     `json:"atomic"`
	Increments     [3]int  `json:"increments"`          // made, all goroutines together, per way
	UnsyncRuns     int     `json:"unsynchronised_runs"` // runs of the plain increments until one lost an update (at most raceRuns)
	UnsyncCPUs     float64 `json:"unsynchronised_cpus"` // CPU time over wall time of the child during those runs: the CPUs the racing goroutines really had
	RaceDetector   bool    `json:"race_detector"`
	AllowedCPUs    int     `json:"allowed_cpus"` // CPUs the child may run on (sched_getaffinity; 0: unknown)
}

// raceChild runs args[0] goroutines incrementing one counter for args[1]
// (a duration) three ways, and prints how many updates each way lost.
// Running for a time rather than a count makes the goroutines overlap even
// on a busy machine: a 1 ms burst can finish before a second core is free.
func raceChild(ctx context.Context, args []string) int {
	if len(args) != 2 {
		return 2
	}
	g, err1 := strconv.Atoi(args[0])
	d, err2 := time.ParseDuration(args[1])
	if err1 != nil || err2 != nil || g < 1 || d <= 0 {
		return 2
	}
	run := func(add func(*shared, *atomic.Bool) int) (lost, made int) {
		var c shared
		var stop atomic.Bool
		var ready, wg sync.WaitGroup
		start := make(chan struct{})
		counts := make([]int, g)
		for i := 0; i < g; i++ {
			ready.Add(1)
			wg.Add(1)
			go func() {
				defer wg.Done()
				ready.Done()
				<-start // all at once, so that they overlap
				counts[i] = add(&c, &stop)
			}()
		}
		ready.Wait()
		close(start)
		time.Sleep(d)
		stop.Store(true)
		wg.Wait()
		for _, n := range counts {
			made += n
		}
		return made - int(atomic.LoadInt64(&c.n)), made
	}
	var rep raceReport
	cpu0, t0 := cpuTime(), time.Now()
	for rep.UnsyncRuns = 1; ; rep.UnsyncRuns++ {
		rep.Unsynchronised, rep.Increments[0] = run(addUnsynchronised)
		if rep.Unsynchronised > 0 || rep.UnsyncRuns == raceRuns || ctx.Err() != nil {
			break
		}
	}
	if wall := time.Since(t0); wall > 0 && cpu0 >= 0 {
		rep.UnsyncCPUs = math.Round(float64(cpuTime()-cpu0)/float64(wall)*100) / 100
	}
	rep.Mutex, rep.Increments[1] = run(addMutex)
	rep.Atomic, rep.Increments[2] = run(addAtomic)
	rep.RaceDetector = raceEnabled
	rep.AllowedCPUs = allowedCPUs()
	json.NewEncoder(os.Stdout).Encode(rep)
	return 0
}

// cpuTime is the user and system time this process has used (-1: unknown).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// raceRun is the race child's report and what the race detector said.
type raceRun struct {
	raceReport
	DataRaces int // "WARNING: DATA RACE" reports (race-enabled builds only)
}

// observeLostUpdates runs the race in a child process: the racy code never
// runs in the demo's (or a test's) own process. Under -race the child's
// detector reports the race on stderr; that is counted, and its exit
// status (66) is expected.
func observeLostUpdates(ctx context.Context, goroutines int, d time.Duration) (raceRun, error) {
	cmd, err := child.Command(ctx, childRace, []string{strconv.Itoa(goroutines), d.String()}, nil)
	if err != nil {
		return raceRun{}, err
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if raceEnabled {
		cmd.Env = append(withoutEnv(cmd.Env, "GORACE"), "GORACE=halt_on_error=0 exitcode=0")
	}
	runErr := cmd.Run()
	var rr raceRun
	if err := json.Unmarshal(stdout.Bytes(), &rr.raceReport); err != nil {
		return rr, fmt.Errorf("race child (%v) printed %q: %v; stderr: %s", runErr, stdout.String(), err, firstLine(stderr.String()))
	}
	rr.DataRaces = strings.Count(stderr.String(), "WARNING: DATA RACE")
	return rr, nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
