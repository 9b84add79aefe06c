package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
)

// run is one run of a demo started from the page.
type run struct {
	id      string
	demo    *demo.Demo
	args    []string // the flags it was started with, as on a command line
	lang    string
	started time.Time
	cast    *castView
	cancel  context.CancelFunc
	done    chan struct{} // closed when the demo has returned and its cleanups ran

	mu     sync.Mutex
	status string // running, done, cancelled, failed
}

func (r *run) state() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status
}

// runs holds the runs of a server: at most one running per demo, and the
// last few finished ones for viewers who open them afterwards.
type runs struct {
	keep int // finished runs kept

	mu     sync.Mutex
	byID   map[string]*run
	order  []*run // oldest first
	active map[string]*run
	n      int
	closed bool
}

func newRuns(keep int) *runs {
	return &runs{keep: keep, byID: map[string]*run{}, active: map[string]*run{}}
}

// errBusy says the demo already has a run going.
var errBusy = errors.New("busy")

// start runs d with opts in the background. base is the server's context:
// closing the server cancels every run.
func (rs *runs) start(base context.Context, d *demo.Demo, opts *demo.Options, args []string, pause bool, limit int, errw io.Writer) (*run, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.closed {
		return nil, errors.New("the server is shutting down")
	}
	if a := rs.active[d.Name]; a != nil {
		return a, errBusy
	}
	rs.n++
	ctx, cancel := context.WithCancel(base)
	r := &run{
		id: fmt.Sprintf("%s-%d", d.Name, rs.n), demo: d, args: args, lang: opts.Lang,
		started: time.Now(), cancel: cancel, done: make(chan struct{}), status: "running",
	}
	r.cast = newCastView(ctx, newRenderer(d, opts.Lang), pause, limit)
	rs.byID[r.id] = r
	rs.order = append(rs.order, r)
	rs.active[d.Name] = r
	rs.evict()
	go rs.execute(ctx, r, opts, errw)
	return r, nil
}

func (rs *runs) execute(ctx context.Context, r *run, opts *demo.Options, errw io.Writer) {
	defer close(r.done)
	defer r.cancel()
	status, errText := "done", ""
	_, err := demo.ExecuteOptions(ctx, r.demo, opts, demo.IO{View: r.cast, In: strings.NewReader(""), Out: io.Discard, Err: errw})
	switch {
	case err == nil:
	case ctx.Err() != nil:
		status = "cancelled"
	default:
		status, errText = "failed", firstLine(err.Error())
	}
	r.mu.Lock()
	r.status = status
	r.mu.Unlock()
	r.cast.finish(status, errText)
	rs.mu.Lock()
	if rs.active[r.demo.Name] == r {
		delete(rs.active, r.demo.Name)
	}
	rs.evict()
	rs.mu.Unlock()
}

// evict forgets the oldest finished runs beyond keep.
func (rs *runs) evict() {
	finished := 0
	for _, r := range rs.order {
		if rs.active[r.demo.Name] != r {
			finished++
		}
	}
	kept := rs.order[:0]
	for _, r := range rs.order {
		if finished > rs.keep && rs.active[r.demo.Name] != r {
			finished--
			delete(rs.byID, r.id)
			continue
		}
		kept = append(kept, r)
	}
	rs.order = kept
}

func (rs *runs) get(id string) *run {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.byID[id]
}

// list returns the runs, newest first.
func (rs *runs) list() []*run {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	out := append([]*run(nil), rs.order...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].started.After(out[j].started) })
	return out
}

// close cancels every run and waits until each has cleaned up, or until
// wait has passed (a demo that ignores its context must not keep the
// server from exiting). It reports whether every run ended.
func (rs *runs) close(wait time.Duration) bool {
	rs.mu.Lock()
	rs.closed = true
	all := append([]*run(nil), rs.order...)
	rs.mu.Unlock()
	for _, r := range all {
		r.cancel()
	}
	deadline := time.After(wait)
	for _, r := range all {
		select {
		case <-r.done:
		case <-deadline:
			return false
		}
	}
	return true
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
