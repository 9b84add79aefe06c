package demo

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"

	"github.com/netdemo/netdemo/internal/child"
	"github.com/netdemo/netdemo/internal/event"
	"github.com/netdemo/netdemo/internal/explain"
	"github.com/netdemo/netdemo/internal/term"
	"github.com/netdemo/netdemo/internal/view"
)

// IO is where a run reads and writes. Tests pass buffers.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	// View, when set, renders the run instead of the text or JSON view
	// that Out and --json would choose (the web view sets it).
	View view.View
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
		fmt.Fprintf(w, "netdemo: %s\n", ue.In(ArgsLang(os.Args[1:])))
		return 2
	case ctx.Err() != nil:
		if ArgsLang(os.Args[1:]) == "zh" {
			fmt.Fprintln(w, "netdemo: 已中断")
		} else {
			fmt.Fprintln(w, "netdemo: interrupted")
		}
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
		return nil, usage2("%s takes no arguments, got %q (see --help)", "%s 不接受参数，收到的是 %q（见 --help）", d.Name, fs.Arg(0))
	}
	return ExecuteOptions(ctx, d, o, stdio)
}

// ExecuteOptions runs d with options already parsed (the tour uses it).
func ExecuteOptions(ctx context.Context, d *Demo, o *Options, stdio IO) (rep *Report, err error) {
	if d.Unix && runtime.GOOS == "windows" {
		return nil, fmt.Errorf("%s needs a Unix system (Linux or macOS): it uses system calls Windows does not have", d.Name)
	}
	doc, err := d.Explanation(o.Lang)
	if err != nil {
		return nil, err
	}
	r := &Run{
		Options: *o,
		Demo:    d,
		errw:    stdio.Err,
		doc:     doc,
		values:  map[string]any{},
		ctx:     ctx,
		view:    stdio.View,
	}
	if r.view == nil {
		r.view = NewView(ctx, o, stdio)
	}
	defer func() {
		r.close()
		r.view.Close()
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: internal error: %v", d.Name, p)
		}
	}()

	if o.Serve {
		if d.Serve == nil {
			return nil, usagef("%s has no servers to keep up (--serve)", d.Name)
		}
		if w := exposure(o.Addr); w != "" && stdio.Err != nil {
			fmt.Fprintf(stdio.Err, "netdemo: warning: %s\n", o.T(w, exposureZh(o.Addr)))
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

// NewView picks the view for options and stdio: JSON Lines under --json,
// else text fitted to Out (its width, its colour, --step pacing when In is
// a terminal).
func NewView(ctx context.Context, o *Options, stdio IO) view.View {
	if o.JSON {
		return view.JSONLines{Out: stdio.Out}
	}
	in := stdio.In
	if in == nil {
		in = strings.NewReader("")
	}
	return &view.Text{
		Out: stdio.Out, Err: stdio.Err, Lang: o.Lang,
		Width: view.Width(stdio.Out),
		Style: term.NewStyle(stdio.Out, o.NoColor),
		Pause: o.Step && term.IsTerminal(in), In: in, Ctx: ctx,
	}
}

// header opens the run: title, question and (for a run) the short answer.
func (r *Run) header(doc *explain.Doc, short bool) {
	q := r.Demo.Question
	e := &event.Start{
		Head:     event.Head{Kind: "start"},
		Title:    doc.Title,
		Question: event.Text{Zh: q.Zh, En: q.En},
		Lang:     r.Lang,
		Seed:     r.Seed,
		Serving:  !short,
	}
	if short {
		e.Short = explain.StripComments(doc.Sections["short"])
	}
	r.emit(e)
}

// finish shows "what you just saw" with the run's numbers, then the result.
func (r *Run) finish(doc *explain.Doc) *Report {
	rep := r.report()
	vals := r.placeholderValues()
	for k, v := range vals {
		if b, ok := v.(bool); ok {
			vals[k] = view.FormatCell(b, r.Lang) // "yes" or "是", never "true" in prose
		}
	}
	src := doc.Sections["saw"]
	saw, missing := explain.Fill(src, vals)
	rep.Unfilled = missing
	if len(missing) > 0 {
		// Never print a claim the run did not measure.
		saw = placeholderNotMeasured(saw, r.T("(not measured in this run)", "（本次运行未测得）"))
	}
	var measured []string
	for _, name := range explain.Placeholders(src) {
		if v, ok := vals[name]; ok {
			measured = append(measured, explain.Format(v))
		}
	}
	r.emit(event.NewExplain("saw", explain.StripComments(saw), measured))
	res := map[string]any{"demo": r.Demo.Name}
	for k, v := range rep.Result {
		if k != "kind" && k != "demo" && k != "seq" {
			res[k] = v
		}
	}
	r.emit(event.NewResult(res))
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

func printUsage(w io.Writer, d *Demo, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: go run ./demos/%[1]s [flags]   (or: netdemo run %[1]s [flags])\n\n%s\n%s\n\nflags:\n", d.Name, d.Question.Zh, d.Question.En)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// exposure says who can reach a server bound to addr when that is more
// than this machine, or "" for a loopback address.
func exposure(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || isLoopback(host) {
		return ""
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		return fmt.Sprintf("--addr %s listens on every interface: anyone who can reach this machine on port %s can use these demo servers", addr, port)
	}
	return fmt.Sprintf("--addr %s is not loopback: anyone who can reach %s on port %s can use these demo servers", addr, host, port)
}

func exposureZh(addr string) string {
	host, port, _ := net.SplitHostPort(addr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		return fmt.Sprintf("--addr %s 监听所有网络接口：任何能访问本机 %s 端口的人都能使用这些演示服务器", addr, port)
	}
	return fmt.Sprintf("--addr %s 不是回环地址：任何能访问 %s 的 %s 端口的人都能使用这些演示服务器", addr, host, port)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
