//go:build unix

package workers

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/netdemo/netdemo/internal/child"
)

// panicChild runs 4 busy goroutines and a fifth that makes a real runtime
// error (a write to a nil map) 20 ms later. main has a recover in place:
// it cannot catch a panic of another goroutine, so the whole process ends
// with status 2 and "survived" is never printed.
func panicChild(ctx context.Context, args []string) int {
	var ticks [4]atomic.Int64
	for i := range ticks {
		go func() {
			for {
				ticks[i].Add(1)
				time.Sleep(time.Millisecond)
			}
		}()
	}
	fmt.Printf("running %d\n", len(ticks))
	defer func() {
		if p := recover(); p != nil {
			fmt.Println("recovered in main:", p)
		}
	}()
	go func() {
		time.Sleep(20 * time.Millisecond)
		var m map[string]int
		m["requests"]++ // panics: assignment to entry in nil map
	}()
	time.Sleep(time.Second)
	fmt.Println("survived")
	return 0
}

// goroutinePanic is what the panic child showed.
type goroutinePanic struct {
	ExitStatus int
	Message    string // the first line of its stderr
	Alive      int    // goroutines that were running beside the one that panicked
	Survived   bool   // the process went on after the panic (it must not)
}

func observeGoroutinePanic(ctx context.Context) (goroutinePanic, error) {
	cmd, err := child.Command(ctx, childPanic, nil, nil)
	if err != nil {
		return goroutinePanic{}, err
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Run()
	if cmd.ProcessState == nil {
		return goroutinePanic{}, fmt.Errorf("the panic child did not run")
	}
	gp := goroutinePanic{
		ExitStatus: cmd.ProcessState.ExitCode(),
		Message:    firstLine(stderr.String()),
		Survived:   strings.Contains(stdout.String(), "survived"),
	}
	fmt.Sscanf(stdout.String(), "running %d", &gp.Alive)
	return gp, nil
}

// workerCrash is what the process model showed when one worker crashed.
type workerCrash struct {
	Workers    int
	CrashedPID int
	ExitStatus int
	Message    string
	Survivors  int         // workers still running afterwards
	Requests   int         // sent after the crash
	OK         int         // of them answered
	Served     map[int]int // PID → requests, after the crash
}

// observeWorkerCrash starts n workers without respawn, asks one of them
// (the kernel picks which) to crash, and sends requests to the rest.
func observeWorkerCrash(ctx context.Context, n, requests int) (workerCrash, error) {
	m, err := startMaster(ctx, "127.0.0.1:0", n, false)
	if err != nil {
		return workerCrash{}, err
	}
	defer m.Stop(2 * time.Second)
	wc := workerCrash{Workers: n, Requests: requests, Served: map[int]int{}}
	url := "http://" + m.Addr()
	c := newClient()
	wc.CrashedPID, err = get(ctx, c, url+"/crash")
	if err != nil {
		return wc, fmt.Errorf("asking a worker to crash: %w", err)
	}
	select {
	case ex := <-m.exits:
		wc.ExitStatus, wc.Message = ex.Code, ex.Stderr
		if ex.PID != wc.CrashedPID {
			return wc, fmt.Errorf("worker %d exited, but %d was the one that crashed", ex.PID, wc.CrashedPID)
		}
	case <-time.After(5 * time.Second):
		return wc, fmt.Errorf("worker %d was asked to crash and is still running after 5s", wc.CrashedPID)
	case <-ctx.Done():
		return wc, ctx.Err()
	}
	for _, rep := range load(ctx, url, requests, 4, nil, nil) {
		if rep.Err == nil {
			wc.OK++
			wc.Served[rep.PID]++
		}
	}
	wc.Survivors = len(m.PIDs())
	return wc, ctx.Err()
}
