// Package demotest runs a demo the way a user would, with --json, and hands
// the test its events, result and report.
package demotest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
	"github.com/netdemo/netdemo/internal/view"
)

// Output is what one run printed.
type Output struct {
	Report *demo.Report
	Events []map[string]any // every JSON line, in order
	Result map[string]any   // the last line, kind "result"
	Stderr string
	// Text is the same events rendered by the text view at 80 columns.
	Text string
}

// checkText renders the run's events again through the text view, as an
// 80-column terminal would show them, and fails on any line wider than 80
// display cells: every demo's text must fit, in either language, whatever
// its numbers were.
func checkText(t testing.TB, name string, events []event.Event) string {
	t.Helper()
	lang := "en"
	for _, e := range events {
		if s, ok := e.(*event.Start); ok {
			lang = s.Lang
		}
	}
	var b bytes.Buffer
	v := &view.Text{Out: &b, Err: io.Discard, Lang: lang, Width: 80}
	for _, e := range events {
		v.Emit(e)
	}
	v.Close()
	for i, line := range strings.Split(b.String(), "\n") {
		if c := view.Cells(line); c > 80 {
			t.Errorf("%s: text line %d is %d cells wide at an 80-column terminal: %q", name, i+1, c, line)
		}
	}
	return b.String()
}

// Run executes d with args plus --json and fails the test on any error, on
// a last line that is not the result, on a step without explanation, and on
// a placeholder of "what you just saw" the run left unfilled.
func Run(t testing.TB, d *demo.Demo, args ...string) *Output {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	rep, err := demo.Execute(ctx, d, append([]string{"--json"}, args...), demo.IO{Out: &out, Err: &errb})
	if err != nil {
		t.Fatalf("%s %s: %v\nstderr: %s", d.Name, strings.Join(args, " "), err, errb.String())
	}
	o := &Output{Report: rep, Stderr: errb.String()}
	sc := bufio.NewScanner(&out)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var typed []event.Event
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: line is not JSON: %q: %v", d.Name, sc.Text(), err)
		}
		o.Events = append(o.Events, m)
		e, err := event.Decode(sc.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", d.Name, err)
		}
		typed = append(typed, e)
	}
	o.Text = checkText(t, d.Name, typed)
	if len(o.Events) == 0 {
		t.Fatalf("%s: printed nothing", d.Name)
	}
	last := o.Events[len(o.Events)-1]
	if last["kind"] != "result" || last["demo"] != d.Name {
		t.Fatalf("%s: last line = %v, want kind result and demo %q", d.Name, last, d.Name)
	}
	o.Result = last
	if len(rep.Undocumented) > 0 {
		t.Errorf("%s: steps with no explanation block (<!-- step: ID -->): %v", d.Name, rep.Undocumented)
	}
	if len(rep.Unfilled) > 0 {
		t.Errorf("%s: placeholders the run did not fill: %v", d.Name, rep.Unfilled)
	}
	return o
}

// Kind returns the events of one kind.
func (o *Output) Kind(kind string) []map[string]any {
	var out []map[string]any
	for _, e := range o.Events {
		if e["kind"] == kind {
			out = append(out, e)
		}
	}
	return out
}

// Num reads a number at a dotted path of the result ("tcp.sent").
func (o *Output) Num(t testing.TB, path string) float64 {
	t.Helper()
	v := o.Get(t, path)
	f, ok := v.(float64)
	if !ok {
		t.Fatalf("result %s = %v (%T), want a number", path, v, v)
	}
	return f
}

// Get reads a value at a dotted path of the result.
func (o *Output) Get(t testing.TB, path string) any {
	t.Helper()
	var cur any = o.Result
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("result has no %s (stopped at %q)", path, p)
		}
		cur, ok = m[p]
		if !ok {
			t.Fatalf("result has no %s (missing %q)", path, p)
		}
	}
	return cur
}
