package demo

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/netdemo/netdemo/internal/explain"
	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/term"
)

// Run is one run of a demo: its options, its output, and what it measured.
// Its methods are safe for concurrent use.
type Run struct {
	Options
	Demo *Demo

	out   io.Writer
	errw  io.Writer
	in    io.Reader
	style term.Style
	doc   *explain.Doc
	pause bool // --step and stdin is a terminal

	mu        sync.Mutex
	values    map[string]any // placeholder values
	result    map[string]any
	steps     []string
	undoc     []string // step ids the explanation has no block for
	cleanup   []func()
	ctx       context.Context
	pcapTaken bool // --pcap goes to the first lab only
	stepCount int
}

// T picks the English or Chinese string.
func (r *Run) T(en, zh string) string {
	if r.Lang == "zh" {
		return zh
	}
	return en
}

// Style is the colour style of stdout (no colour under --json).
func (r *Run) Style() term.Style { return r.style }

// Stdout is where the demo's text goes. Demos should prefer Printf; use this
// for tables a demo formats itself. Under --json nothing should be written
// here but through Event.
func (r *Run) Stdout() io.Writer { return r.out }

// Stderr is for progress lines.
func (r *Run) Stderr() io.Writer { return r.errw }

// Step starts a step: a heading, then the explanation block tagged
// <!-- step: id --> in the chosen language. Under --json it is an event.
// With --step it first waits for Enter.
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
	if r.JSON {
		r.emit(map[string]any{"kind": "step", "n": n, "id": id, "title": title})
		return
	}
	r.waitEnter()
	fmt.Fprintf(r.out, "\n%s\n", r.style.Bold(r.style.Blue(fmt.Sprintf("── %d. %s", n, title))))
	// The step's own heading in the Markdown names the same thing as the
	// title just printed: print the block's text only.
	if body := explain.WithoutHeading(block); ok && body != "" {
		fmt.Fprintf(r.out, "%s\n", explain.Render(body, r.style))
	}
}

// Printf narrates what is happening. Under --json it becomes a "say" event.
func (r *Run) Printf(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if r.JSON {
		r.emit(map[string]any{"kind": "say", "text": strings.TrimRight(s, "\n")})
		return
	}
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	io.WriteString(r.out, s)
}

// Measure reports a number the run observed, and also makes it available to
// the explanation as {{name}}.
func (r *Run) Measure(name string, value any, unit string) {
	r.Set(name, value)
	if r.JSON {
		r.emit(map[string]any{"kind": "measure", "name": name, "value": value, "unit": unit})
		return
	}
	v := explain.Format(value)
	if unit != "" {
		v += " " + unit
	}
	fmt.Fprintf(r.out, "  %s %s\n", r.style.Dim(name+":"), r.style.Bold(v))
}

// Set gives a placeholder {{name}} its value without printing anything.
func (r *Run) Set(name string, value any) {
	r.mu.Lock()
	r.values[name] = value
	r.mu.Unlock()
}

// Event prints a demo-specific JSON Lines event under --json (for example
// one {"kind":"packet"} per packet) and does nothing in text mode.
func (r *Run) Event(kind string, fields any) {
	if !r.JSON {
		return
	}
	m := toMap(fields)
	m["kind"] = kind
	r.emit(m)
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
// --pcap, every frame is written to that file. The lab is closed when the
// demo ends. A demo that needs several labs (one per measurement) may call
// it more than once; the pcap then holds the frames of the first.
func (r *Run) NewLab() (*lab.Lab, error) {
	return r.NewLabWith(r.Link)
}

// NewLabWith is NewLab with a link of the demo's choosing (the seed and
// --pcap still apply).
func (r *Run) NewLabWith(link lab.Link) (*lab.Lab, error) {
	cfg := lab.Config{Link: link, Seed: r.Seed}
	r.mu.Lock()
	wantPcap := r.Pcap != "" && !r.pcapTaken
	r.pcapTaken = r.pcapTaken || wantPcap
	r.mu.Unlock()
	var f *os.File
	var bw *bufio.Writer
	if wantPcap {
		var err error
		f, err = os.Create(r.Pcap)
		if err != nil {
			return nil, fmt.Errorf("creating --pcap file: %w", err)
		}
		bw = bufio.NewWriterSize(f, 1<<16)
		cfg.Pcap = bw
	}
	l, err := lab.New(cfg)
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, fmt.Errorf("starting the lab: %w", err)
	}
	r.OnClose(func() {
		l.Close()
		if f != nil {
			bw.Flush()
			f.Close()
		}
	})
	return l, nil
}

func (r *Run) emit(m map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := m["demo"]; !ok && r.Demo != nil {
		m["demo"] = r.Demo.Name
	}
	b, err := json.Marshal(m)
	if err != nil {
		b, _ = json.Marshal(map[string]any{"kind": "error", "error": err.Error()})
	}
	r.out.Write(append(b, '\n'))
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

// Flag returns the parsed value of a flag (the demo's own or a common one),
// as flag.Getter gives it: bool, int, int64, float64, string,
// time.Duration. A demo registers its flags in Demo.Flags with throwaway
// variables and reads them here, so that concurrent runs never share state.
// It returns nil for a flag that does not exist.
func (r *Run) Flag(name string) any {
	if r.flags == nil {
		return nil
	}
	f := r.flags.Lookup(name)
	if f == nil {
		return nil
	}
	if g, ok := f.Value.(flag.Getter); ok {
		return g.Get()
	}
	return f.Value.String()
}
