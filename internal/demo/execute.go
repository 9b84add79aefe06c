package demo

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/netdemo/netdemo/internal/child"
	"github.com/netdemo/netdemo/internal/explain"
	"github.com/netdemo/netdemo/internal/term"
)

// IO is where a run reads and writes. Tests pass buffers.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
}

// Report is what a finished run leaves for callers and tests.
type Report struct {
	Result       map[string]any
	Steps        []string // step ids in the order they ran
	Undocumented []string // step ids with no block in the explanation
	Unfilled     []string // placeholders of "what you just saw" the run did not fill
}

// Main runs d as a program (`go run ./demos/NAME`) with os.Args and exits:
// 0 on success, 2 on a usage error, 130 on Ctrl-C, 1 on any other error.
func Main(d *Demo) {
	child.Dispatch()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	_, err := Execute(ctx, d, os.Args[1:], IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	os.Exit(ExitCode(err, ctx, os.Stderr))
}

// ExitCode prints err on one line to w and returns the exit code for it.
func ExitCode(err error, ctx context.Context, w io.Writer) int {
	var ue *UsageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(w, "netdemo: %s\n", ue.Msg)
		return 2
	case ctx.Err() != nil:
		fmt.Fprintln(w, "netdemo: interrupted")
		return 130
	}
	fmt.Fprintf(w, "netdemo: %s\n", firstLine(err.Error()))
	return 1
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Execute parses args for d and runs it once (or serves, with --serve).
func Execute(ctx context.Context, d *Demo, args []string, stdio IO) (*Report, error) {
	o, fs, err := parseFlags(d.Name, d, args)
	if errors.Is(err, flag.ErrHelp) {
		printUsage(stdio.Out, d, fs)
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, usagef("%s takes no arguments, got %q (see --help)", d.Name, fs.Arg(0))
	}
	return ExecuteOptions(ctx, d, o, stdio)
}

// ExecuteOptions runs d with options already parsed (the tour uses it).
func ExecuteOptions(ctx context.Context, d *Demo, o *Options, stdio IO) (rep *Report, err error) {
	doc, err := d.Explanation(o.Lang)
	if err != nil {
		return nil, err
	}
	if stdio.In == nil {
		stdio.In = strings.NewReader("")
	}
	r := &Run{
		Options: *o,
		Demo:    d,
		out:     stdio.Out,
		errw:    stdio.Err,
		in:      stdio.In,
		doc:     doc,
		values:  map[string]any{},
	}
	if !o.JSON {
		r.style = term.NewStyle(stdio.Out, o.NoColor)
		r.pause = o.Step && term.IsTerminal(stdio.In)
	}
	r.ctx = ctx
	defer func() {
		r.close()
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: internal error: %v", d.Name, p)
		}
	}()

	if o.Serve {
		if d.Serve == nil {
			return nil, usagef("%s has no servers to keep up (--serve)", d.Name)
		}
		r.header(doc, false)
		return r.report(), d.Serve(ctx, r)
	}
	r.header(doc, true)
	if err := d.Run(ctx, r); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%s: %w", d.Name, err)
	}
	r.close() // flush pcap files before saying we are done
	return r.finish(doc), nil
}

func (r *Run) close() {
	r.mu.Lock()
	fns := r.cleanup
	r.cleanup = nil
	r.mu.Unlock()
	for i := len(fns) - 1; i >= 0; i-- {
		fns[i]()
	}
}

// header prints the title, the question and (for a run) the short answer.
func (r *Run) header(doc *explain.Doc, short bool) {
	q := r.Demo.Question
	if r.JSON {
		r.emit(map[string]any{"kind": "start", "question": map[string]string{"zh": q.Zh, "en": q.En}, "lang": r.Lang, "seed": r.Seed})
		return
	}
	st := r.style
	fmt.Fprintf(r.out, "%s\n", st.Bold(doc.Title))
	fmt.Fprintf(r.out, "%s  %s\n", st.Yellow("「"+q.Zh+"」"), st.Dim(q.En))
	if short {
		fmt.Fprintf(r.out, "\n%s\n", explain.Render(doc.Sections["short"], st))
	}
}

// finish prints "what you just saw" with the run's numbers, then the result.
func (r *Run) finish(doc *explain.Doc) *Report {
	rep := r.report()
	saw, missing := explain.Fill(doc.Sections["saw"], r.placeholderValues())
	rep.Unfilled = missing
	if len(missing) > 0 {
		// Never print a claim the run did not measure.
		saw = placeholderNotMeasured(saw, r.T("(not measured in this run)", "（本次运行未测得）"))
	}
	if r.JSON {
		r.emit(map[string]any{"kind": "explain", "section": "saw", "text": explain.StripComments(saw)})
		res := map[string]any{"kind": "result", "demo": r.Demo.Name}
		for k, v := range rep.Result {
			if k != "kind" && k != "demo" {
				res[k] = v
			}
		}
		r.emit(res)
		return rep
	}
	fmt.Fprintf(r.out, "\n%s\n", explain.Render(saw, r.style))
	fmt.Fprintf(r.out, "\n%s\n", r.style.Dim(r.T(
		"More — common wrong answers, follow-up questions, references: netdemo explain "+r.Demo.Name,
		"更多（常见错误回答、追问、参考资料）：netdemo explain "+r.Demo.Name+" --lang zh")))
	return rep
}

func (r *Run) report() *Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	return &Report{Result: r.result, Steps: append([]string(nil), r.steps...), Undocumented: append([]string(nil), r.undoc...)}
}

func placeholderNotMeasured(s, repl string) string {
	vals := map[string]any{}
	for _, name := range explain.Placeholders(s) {
		vals[name] = repl
	}
	out, _ := explain.Fill(s, vals)
	return out
}

// waitEnter pauses between steps under --step when stdin is a terminal.
func (r *Run) waitEnter() {
	if !r.pause || r.stepCount <= 1 {
		return
	}
	fmt.Fprint(r.errw, r.style.Dim(r.T("  [Enter] next step ", "  [回车] 下一步 ")))
	done := make(chan struct{})
	go func() {
		bufio.NewReader(r.in).ReadString('\n')
		close(done)
	}()
	select {
	case <-done:
	case <-r.ctx.Done():
	}
}

func printUsage(w io.Writer, d *Demo, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: go run ./demos/%[1]s [flags]   (or: netdemo run %[1]s [flags])\n\n%s\n%s\n\nflags:\n", d.Name, d.Question.Zh, d.Question.En)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}
