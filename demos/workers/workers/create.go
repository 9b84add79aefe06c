//go:build unix

package workers

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/netdemo/netdemo/internal/child"
)

func noopChild(ctx context.Context, args []string) int { return 0 }

// createProcesses starts n child processes one after another, each waited
// for before the next: fork+exec of this binary, the Go runtime's start-up,
// exit, and wait4. It returns the mean per process.
func createProcesses(ctx context.Context, n int) (time.Duration, error) {
	start := time.Now()
	for i := 0; i < n; i++ {
		cmd, err := child.Command(ctx, childNoop, nil, nil)
		if err != nil {
			return 0, err
		}
		if err := cmd.Run(); err != nil {
			return 0, fmt.Errorf("running child %s (%d of %d): %w", childNoop, i+1, n, err)
		}
	}
	return time.Since(start) / time.Duration(n), nil
}

// createThreads makes n OS threads one after another. A goroutine that
// locks itself to its thread and exits without unlocking takes the thread
// with it (runtime.LockOSThread), so every iteration ends one thread and the
// runtime must clone(2) a new one to run the next goroutine. It returns the
// mean per thread and how many distinct kernel thread ids the goroutines
// ran on: the evidence that they were new threads (0 where the system has
// no gettid).
//
// No child process may be running while this runs: on Linux a child started
// with Pdeathsig from a thread that ends gets that signal (internal/child).
func createThreads(n int) (per time.Duration, created int) {
	tids := make(map[int]bool, n)
	start := time.Now()
	for i := 0; i < n; i++ {
		tid := make(chan int)
		go func() {
			runtime.LockOSThread()
			tid <- threadID()
			// Returning while locked: the runtime ends this thread.
		}()
		tids[<-tid] = true
	}
	per = time.Since(start) / time.Duration(n)
	delete(tids, 0)
	return per, len(tids)
}

// createGoroutines starts n goroutines and waits for them, in batches of
// at most 1000 alive at once (the race detector allows 8128).
func createGoroutines(n int) time.Duration {
	var wg sync.WaitGroup
	start := time.Now()
	for left := n; left > 0; left -= 1000 {
		for i := 0; i < min(left, 1000); i++ {
			wg.Add(1)
			go func() { wg.Done() }()
		}
		wg.Wait()
	}
	return time.Since(start) / time.Duration(n)
}
