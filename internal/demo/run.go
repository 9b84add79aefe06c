package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/netdemo/netdemo/internal/event"
	"github.com/netdemo/netdemo/internal/explain"
	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/term"
	"github.com/netdemo/netdemo/internal/trace/capfile"
	"github.com/netdemo/netdemo/internal/view"
)

// Run is one run of a demo: its options, its output, and what it measured.
// Its methods are safe for concurrent use.
//
// A demo says what it found through the run — steps, narration,
// measurements, tables, frame lists, charts, the result — and never writes
// formatted text itself: the run's view (text, JSON Lines, web) renders
// each event.
type Run struct {
	Options
	Demo *Demo

	errw  io.Writer
	style term.Style
	doc   *explain.Doc
	view  view.View

	mu        sync.Mutex
	seq       int            // events emitted so far
	values    map[string]any // placeholder values
	result    map[string]any
	steps     []string
	undoc     []string // step ids the explanation has no block for
	cleanup   []func()
	ctx       context.Context
	pcapTaken bool // --pcap goes to the first lab only
	stepCount int
}

// Stderr is for a demo's own diagnostics (server logs under --serve).
// Progress of a long step goes through [Run.Progress].
func (r *Run) Stderr() io.Writer { return r.errw }

// Step starts a step: a heading, then the explanation block tagged
// <!-- step: id --> in the chosen language. With --step on a terminal the
// text view waits for Enter first.
func (r *Run) Step(id, title string) {
	r.mu.Lock()
	r.steps = append(r.steps, id)
	r.stepCount++
	n := r.stepCount
	block, ok := "", false
	if r.doc != nil {
		block, ok = r.doc.Steps[id]
	}
	if !ok {
		r.undoc = append(r.undoc, id)
	}
	r.mu.Unlock()
	// The step's own heading in the Markdown names the same thing as the
	// title: the event carries the block's text only.
	r.emit(event.NewStep(n, id, title, explain.WithoutHeading(block)))
}

// Printf narrates what is happening: a "say" event, wrapped to the
// terminal as prose. Leading spaces are its indent.
func (r *Run) Printf(format string, args ...any) {
	r.emit(event.NewSay(strings.TrimRight(fmt.Sprintf(format, args...), "\n"), false))
}

// Pre prints pre-formatted lines (packet lines, bytes, code): the text
// view folds them at the terminal's edge instead of re-flowing them.
func (r *Run) Pre(format string, args ...any) {
	r.emit(event.NewSay(strings.TrimRight(fmt.Sprintf(format, args...), "\n"), true))
}

// Measure reports a number the run observed, and also makes it available to
// the explanation as {{name}}.
func (r *Run) Measure(name string, value any, unit string) {
	r.Set(name, value)
	r.emit(event.NewMeasure(name, value, unit))
}

// Table shows a table (see [event.NewTable]).
func (r *Run) Table(t *event.Table) { r.emit(t) }

// Frames shows frames a tap saw (a table in the terminal, a ladder on the
// web).
func (r *Run) Frames(f *event.Frames) { r.emit(f) }

// Chart shows one or more series of points.
func (r *Run) Chart(c *event.Chart) { r.emit(c) }

// Progress redraws a live line for a long step (on a terminal's stderr;
// nothing under --json). Call ProgressDone when the step's work is over.
func (r *Run) Progress(text string, done, total int) {
	r.emit(event.NewProgress(text, done, total))
}

// ProgressDone clears the progress line.
func (r *Run) ProgressDone() {
	p := event.NewProgress("", 0, 0)
	p.Finished = true
	r.emit(p)
}

// Set gives a placeholder {{name}} its value without printing anything.
func (r *Run) Set(name string, value any) {
	r.mu.Lock()
	r.values[name] = value
	r.mu.Unlock()
}

// Event emits a demo-specific event (for example one {"kind":"packet"} per
// packet). The text view shows nothing for it; --json and the web view get
// its fields.
func (r *Run) Event(kind string, fields any) {
	r.emit(event.NewCustom(kind, toMap(fields)))
}

// Result sets the result object (a struct with json tags or a map). Its
// fields also fill the explanation's placeholders as dotted paths. It is
// printed last, after the run returns.
func (r *Run) Result(v any) {
	m := toMap(v)
	r.mu.Lock()
	r.result = m
	r.mu.Unlock()
}

// OnClose registers f to run when the demo ends, in reverse order, even on
// Ctrl-C: servers closed, files flushed.
func (r *Run) OnClose(f func()) {
	r.mu.Lock()
	r.cleanup = append(r.cleanup, f)
	r.mu.Unlock()
}

// NewLab starts a virtual lab with the run's link flags and seed. With
// --pcap, every frame is written to that file: pcapng, one interface per
// link, when its name ends in .pcapng; classic pcap otherwise. The lab is
// closed when the demo ends. A demo that needs several labs (one per
// measurement) may call it more than once; the pcap then holds the frames
// of the first.
func (r *Run) NewLab() (*lab.Lab, error) {
	return r.NewLabWith(r.Link, r.Seed)
}

// NewLabWith is NewLab with a link and seed of the demo's choosing (one
// lab per seed of a repeated measurement, a link with its own loss).
func (r *Run) NewLabWith(link lab.Link, seed int64) (*lab.Lab, error) {
	return r.NewLabConfig(lab.Config{Link: link, Seed: seed})
}

// NewLabTopology starts a lab of named hosts and links (client → proxy →
// app): links without a Link of their own behave as the run's link flags
// say, and the run's seed fixes their fates.
func (r *Run) NewLabTopology(t *lab.Topology) (*lab.Lab, error) {
	return r.NewLabConfig(lab.Config{Link: r.Link, Seed: r.Seed, Topology: t})
}

// NewLabConfig is the one way a demo's labs are made: every lab goes
// through the run, so --pcap and the cleanups on Ctrl-C apply to all of
// them (a caller may close one earlier). The capture is the run's to set.
func (r *Run) NewLabConfig(cfg lab.Config) (*lab.Lab, error) {
	cfg.Capture = nil
	r.mu.Lock()
	wantPcap := r.Pcap != "" && !r.pcapTaken
	r.pcapTaken = r.pcapTaken || wantPcap
	r.mu.Unlock()
	if wantPcap {
		app := "netdemo"
		if r.Demo != nil {
			app += " " + r.Demo.Name
		}
		cw, err := capfile.CreateCapture(r.Pcap, capfile.CaptureOptions{Format: capfile.FormatOf(r.Pcap), Application: app})
		if err != nil {
			return nil, fmt.Errorf("--pcap: %w", err)
		}
		cfg.Capture = cw
	}
	l, err := lab.New(cfg)
	if err != nil {
		if cfg.Capture != nil {
			cfg.Capture.Close()
		}
		return nil, fmt.Errorf("starting the lab: %w", err)
	}
	r.OnClose(func() {
		l.Close()
		if cfg.Capture != nil {
			cfg.Capture.Close()
		}
	})
	return l, nil
}

// emit numbers e and hands it to the view, one event at a time.
func (r *Run) emit(e event.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	name := ""
	if r.Demo != nil {
		name = r.Demo.Name
	}
	if _, ok := e.(*event.Progress); !ok {
		r.seq++
	}
	event.Stamp(e, name, r.seq)
	r.view.Emit(e)
}

// toMap turns a struct with json tags into a map by a JSON round trip, so
// that the names on the wire are exactly the tags.
func toMap(v any) map[string]any {
	if m, ok := v.(map[string]any); ok {
		c := make(map[string]any, len(m))
		for k, e := range m {
			c[k] = e
		}
		return c
	}
	b, err := json.Marshal(v)
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return map[string]any{"value": json.RawMessage(b)}
	}
	return m
}

// placeholderValues merges result paths and Set values (Set wins).
func (r *Run) placeholderValues() map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	vals := map[string]any{}
	if r.result != nil {
		explain.Flatten("", r.result, vals)
	}
	for k, v := range r.values {
		vals[k] = v
	}
	return vals
}
