//go:build unix

package workers

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/netdemo/netdemo/internal/child"
)

// goWorkReport is what a workers-gowork child measured.
type goWorkReport struct {
	GOMAXPROCS int     `json:"gomaxprocs"` // as the child's runtime saw it
	CPUS       float64 `json:"cpu_s"`      // the loop, over 4 goroutines
	IOS        float64 `json:"io_s"`       // the socket waits, over 4 goroutines
	Sum        uint64  `json:"sum"`        // the loop's result, so it cannot be optimised away
}

// goWorkChild runs the GIL workloads in Go: args[0] total iterations of a
// CPU-bound loop split over 4 goroutines (the best of bestOf runs), then
// ioWaits socket waits split over 4 goroutines. GOMAXPROCS comes from its environment, set by the
// parent before the runtime started.
func goWorkChild(ctx context.Context, args []string) int {
	if len(args) != 1 {
		return 2
	}
	loops, err := strconv.Atoi(args[0])
	if err != nil || loops < 1 {
		return 2
	}
	rep := goWorkReport{GOMAXPROCS: runtime.GOMAXPROCS(0)}
	var wg sync.WaitGroup
	sums := make([]uint64, 4)
	for try := 0; try < bestOf; try++ {
		start := time.Now()
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() { defer wg.Done(); sums[g] = spin(loops / 4) }()
		}
		wg.Wait()
		if s := time.Since(start).Seconds(); try == 0 || s < rep.CPUS {
			rep.CPUS = s
		}
	}
	for _, s := range sums {
		rep.Sum ^= s
	}
	start := time.Now()
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() { defer wg.Done(); socketWaits(ioWaits/4, ioWaitMS*time.Millisecond) }()
	}
	wg.Wait()
	rep.IOS = time.Since(start).Seconds()
	json.NewEncoder(os.Stdout).Encode(rep)
	return 0
}

// spin is the CPU-bound loop: xorshift, so that no iteration can be
// skipped.
//
//go:noinline
func spin(n int) uint64 {
	x := uint64(88172645463325252)
	for i := 0; i < n; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

// socketWaits is the IO-bound work: reads that time out on a UDP socket
// nobody sends to (the goroutine is parked; no thread or P is held).
func socketWaits(count int, d time.Duration) {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		time.Sleep(time.Duration(count) * d)
		return
	}
	defer c.Close()
	b := make([]byte, 1)
	for i := 0; i < count; i++ {
		c.SetReadDeadline(time.Now().Add(d))
		c.ReadFrom(b)
	}
}

// runGoWork runs the Go workloads in a child with GOMAXPROCS=procs.
func runGoWork(ctx context.Context, loops, procs int) (goWorkReport, error) {
	cmd, err := child.Command(ctx, childGoWork, []string{strconv.Itoa(loops)}, nil)
	if err != nil {
		return goWorkReport{}, err
	}
	cmd.Env = append(withoutEnv(cmd.Env, "GOMAXPROCS"), "GOMAXPROCS="+strconv.Itoa(procs))
	out, err := cmd.Output()
	if err != nil {
		return goWorkReport{}, fmt.Errorf("go workload child (GOMAXPROCS=%d): %w", procs, err)
	}
	var rep goWorkReport
	if err := json.Unmarshal(out, &rep); err != nil {
		return rep, fmt.Errorf("go workload child printed %q: %w", out, err)
	}
	return rep, nil
}
