//go:build unix

package workers

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// killRun is the pre-fork server under load while one worker is killed.
type killRun struct {
	Before        []int // worker PIDs before the kill
	Served        map[int]int
	Killed        int
	Reaped        exited
	Sigchld       int64 // SIGCHLDs the master got during the run
	FailedAfter   int   // requests sent after the replacement was ready that failed
	FailedBefore  int
	SentAfter     int // requests sent after the replacement was ready
	Requests      int
	RespawnMS     float64
	ReapTimedOut  bool
	ReplaceFailed error
}

// observeKill sends n requests (4 at a time) to the master's workers; when
// 40% are done it kills one worker with SIGKILL. The master reaps it and
// starts a replacement; the last quarter of the requests is held back until
// the replacement is ready, so that the run shows whether any request
// after the restart fails.
func observeKill(ctx context.Context, m *master, n int) killRun {
	kr := killRun{Before: m.PIDs(), Served: map[int]int{}, Requests: n}
	killAt, tailFrom := n*2/5, n-n/4
	var completed atomic.Int64
	killNow, respawned := make(chan struct{}), make(chan struct{})
	sig0 := m.sigchld.Load()
	var readyAt time.Time
	go func() {
		defer close(respawned)
		select {
		case <-killNow:
		case <-ctx.Done():
			return
		}
		kr.Killed = kr.Before[0]
		killedAt := time.Now()
		if err := m.Kill(kr.Killed); err != nil {
			kr.ReplaceFailed = err
			return
		}
		for {
			select {
			case ex := <-m.exits:
				if ex.PID != kr.Killed {
					continue
				}
				kr.Reaped = ex
				kr.ReplaceFailed = ex.ReplaceErr
				readyAt = ex.ReadyAt
				kr.RespawnMS = float64(ex.ReadyAt.Sub(killedAt)) / float64(time.Millisecond)
				return
			case <-time.After(5 * time.Second):
				kr.ReapTimedOut = true
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	var once sync.Once
	gate := func(i int) {
		if i == tailFrom {
			<-respawned
		}
	}
	done := func(i int, rep reply) {
		if completed.Add(1) == int64(killAt) {
			once.Do(func() { close(killNow) })
		}
	}
	replies := load(ctx, "http://"+m.Addr(), n, 4, gate, done)
	once.Do(func() { close(killNow) })
	<-respawned
	kr.Sigchld = m.sigchld.Load() - sig0
	for _, rep := range replies {
		after := !readyAt.IsZero() && rep.Start.After(readyAt)
		if after {
			kr.SentAfter++
		}
		switch {
		case rep.Err == nil && rep.PID > 0:
			kr.Served[rep.PID]++
		case after:
			kr.FailedAfter++
		default:
			kr.FailedBefore++
		}
	}
	return kr
}

// measureLoad sends n requests, conc at a time, and adds up the memory of
// the serving processes.
func measureLoad(ctx context.Context, m *master, n, conc int) serverLoad {
	pids := m.PIDs()
	sl := serverLoad{Processes: len(pids), Requests: n}
	start := time.Now()
	for _, rep := range load(ctx, "http://"+m.Addr(), n, conc, nil, nil) {
		if rep.Err != nil || rep.PID == 0 {
			sl.Failed++
		}
	}
	sl.RequestsPerSec = round1(float64(n) / time.Since(start).Seconds())
	var rss, pss float64
	hasPSS := true
	for _, pid := range pids {
		mm, ok := readMem(pid)
		if !ok {
			return sl
		}
		rss += float64(mm.RSS)
		pss += float64(mm.PSS)
		hasPSS = hasPSS && mm.HasPSS
	}
	sl.RSSKB = &rss
	if hasPSS {
		sl.PSSKB = &pss
	}
	return sl
}

// gracefulRun is a SIGTERM with requests in flight.
type gracefulRun struct {
	Inflight, Completed int
	ExitCodes           []int
	StopMS              float64
}

// observeGraceful starts k slow requests (each answers its header at once
// and its body after slowMS), waits until every header is in, so each
// request is in flight at a worker, then stops the master: SIGTERM to
// every worker. A graceful worker finishes them before it exits.
func observeGraceful(ctx context.Context, m *master, k, slowMS int) gracefulRun {
	g := gracefulRun{Inflight: k}
	c := newClient()
	defer c.CloseIdleConnections()
	url := fmt.Sprintf("http://%s/slow?ms=%d", m.Addr(), slowMS)
	started := make(chan bool, k)
	var ok atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < k; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			resp, err := c.Do(req)
			started <- err == nil
			if err != nil {
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if _, perr := parsePID(string(b)); err == nil && perr == nil && resp.StatusCode == http.StatusOK {
				ok.Add(1)
			}
		}()
	}
	inflight := 0
	for i := 0; i < k; i++ {
		if <-started {
			inflight++
		}
	}
	g.Inflight = inflight
	start := time.Now()
	for _, code := range m.Stop(5 * time.Second) {
		g.ExitCodes = append(g.ExitCodes, code)
	}
	g.StopMS = float64(time.Since(start)) / float64(time.Millisecond)
	wg.Wait()
	g.Completed = int(ok.Load())
	return g
}

func round1(x float64) float64 { return float64(int64(x*10+0.5)) / 10 }
