package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/netdemo/netdemo/internal/lab"
)

const doc = `# Fake
<!-- section: question -->
## Q
q
<!-- section: short -->
## Short
short answer
<!-- section: deep -->
## Deep
<!-- step: one -->
### One
first block
<!-- section: saw -->
## Saw
took {{took_ms}} ms, got {{count}}
<!-- section: wrong -->
## W
w
<!-- section: followup -->
## F
f
<!-- section: refs -->
## R
r
`

func fake(run func(ctx context.Context, r *Run) error) *Demo {
	return &Demo{
		Name:     "fake",
		Question: Question{Zh: "问题", En: "question"},
		Port:     9999,
		Docs:     fstest.MapFS{"README.md": {Data: []byte(doc)}, "README.zh.md": {Data: []byte(doc)}},
		Run:      run,
	}
}

type res struct {
	Count int `json:"count"`
}

func runFake(t *testing.T, d *Demo, args ...string) (*Report, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	rep, err := Execute(context.Background(), d, args, IO{Out: &out, Err: &errb})
	return rep, out.String(), err
}

func TestExecuteJSON(t *testing.T) {
	d := fake(func(ctx context.Context, r *Run) error {
		r.Step("one", "first")
		r.Printf("hello %d", 1)
		r.Measure("took_ms", 12.5, "ms")
		r.Event("packet", map[string]any{"n": 1})
		r.Result(res{Count: 3})
		return nil
	})
	rep, out, err := runFake(t, d, "--json", "--loss", "0.5")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var kinds []string
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q is not JSON: %v", l, err)
		}
		if m["demo"] != "fake" {
			t.Errorf("line %q has demo %v, want fake", l, m["demo"])
		}
		kinds = append(kinds, m["kind"].(string))
	}
	want := "start step say measure packet explain result"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("kinds = %q, want %q", got, want)
	}
	if !strings.Contains(lines[len(lines)-2], "took 12.5 ms, got 3") {
		t.Errorf("saw section = %s, want the measured numbers filled in", lines[len(lines)-2])
	}
	if !strings.Contains(lines[len(lines)-1], `"count":3`) {
		t.Errorf("result = %s, want count 3", lines[len(lines)-1])
	}
	if len(rep.Unfilled) != 0 || len(rep.Undocumented) != 0 {
		t.Errorf("report = %+v, want nothing unfilled or undocumented", rep)
	}
}

func TestExecuteTextMarksWhatWasNotMeasured(t *testing.T) {
	d := fake(func(ctx context.Context, r *Run) error {
		r.Step("one", "first")
		r.Step("two", "second")
		return nil
	})
	rep, out, err := runFake(t, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"short answer", "1. first", "first block", "2. second", "(not measured in this run)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "{{") {
		t.Errorf("output shows a raw placeholder:\n%s", out)
	}
	if strings.Contains(out, "\nOne\n") {
		t.Errorf("the step block's own heading was printed under the step title:\n%s", out)
	}
	if strings.Join(rep.Unfilled, ",") != "took_ms,count" {
		t.Errorf("Unfilled = %v, want [took_ms count]", rep.Unfilled)
	}
	if strings.Join(rep.Undocumented, ",") != "two" {
		t.Errorf("Undocumented = %v, want [two]", rep.Undocumented)
	}
}

type fakeParams struct {
	Messages int           `flag:"messages" help:"how many" min:"1" max:"100"`
	Gap      time.Duration `flag:"gap" help:"between messages" max:"1s"`
}

func TestParams(t *testing.T) {
	var got *fakeParams
	d := fake(func(ctx context.Context, r *Run) error { got = ParamsOf[*fakeParams](r); return nil })
	d.Params = func() any { return &fakeParams{Messages: 5, Gap: time.Millisecond} }
	if _, _, err := runFake(t, d, "--messages", "7"); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Messages != 7 || got.Gap != time.Millisecond {
		t.Fatalf("params = %+v, want messages 7 (given) and gap 1ms (default)", got)
	}
	// Each run gets its own struct: the default is untouched.
	if _, _, err := runFake(t, d); err != nil || got.Messages != 5 {
		t.Fatalf("second run params = %+v (%v), want the default 5", got, err)
	}
}

func TestNoLabDemoHasNoLinkFlags(t *testing.T) {
	d := fake(func(ctx context.Context, r *Run) error { return nil })
	d.NoLab = true
	for _, f := range []string{"--rtt", "--loss", "--pcap", "--seed"} {
		_, _, err := runFake(t, d, f, "1")
		if err == nil || !strings.Contains(err.Error(), "unknown flag "+f) {
			t.Errorf("%s on a demo without a lab: error = %v, want unknown flag", f, err)
		}
	}
}

func TestFlagErrors(t *testing.T) {
	d := fake(func(ctx context.Context, r *Run) error { return nil })
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--loss", "2"}, "--loss must be between 0 and 1, got 2"},
		{[]string{"--reorder", "-0.1"}, "--reorder must be between 0 and 1, got -0.1"},
		{[]string{"--rtt", "fast"}, `--rtt must be a duration like 40ms, got "fast"`},
		{[]string{"--rtt", "-1ms"}, "--rtt must be between 0 and 1m, got -1ms"},
		{[]string{"--mtu", "100"}, "--mtu must be between 576 and 65535, got 100"},
		{[]string{"--rate", "fast"}, "--rate must be bits per second"},
		{[]string{"--lang", "fr"}, `--lang must be en or zh, got "fr"`},
		{[]string{"--addr", "nope"}, `--addr must be host:port, got "nope"`},
		{[]string{"--addr", "127.0.0.1:99999"}, "--addr port must be 0 to 65535"},
		{[]string{"--seed", "x"}, `--seed: "x" is not a valid value`},
		{[]string{"--bogus"}, "unknown flag --bogus"},
		{[]string{"extra"}, `fake takes no arguments, got "extra"`},
		{[]string{"--serve"}, "unknown flag --serve"}, // fake has no servers: no --serve
		{[]string{"--messages", "0"}, "--messages must be between 1 and 100, got 0"},
		{[]string{"--gap", "2s"}, "--gap must be at most 1s, got 2s"},
	}
	d.Params = func() any { return &fakeParams{Messages: 5, Gap: time.Millisecond} }
	for _, tt := range tests {
		dd := d
		if strings.HasPrefix(tt.args[0], "--addr") {
			withServe := *d
			withServe.Serve = func(ctx context.Context, r *Run) error { return nil }
			dd = &withServe
		}
		_, _, err := runFake(t, dd, tt.args...)
		var ue *UsageError
		if !errors.As(err, &ue) || !strings.Contains(ue.Msg, tt.want) {
			t.Errorf("%v: error = %v, want a usage error containing %q", tt.args, err, tt.want)
			continue
		}
		var b bytes.Buffer
		if code := ExitCode(err, context.Background(), &b); code != 2 || strings.Count(b.String(), "\n") != 1 {
			t.Errorf("%v: exit %d with %q, want 2 and one line", tt.args, code, b.String())
		}
	}
}

func TestParseRate(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{{"0", 0}, {"10M", 10_000_000}, {"1.5G", 1_500_000_000}, {"64k", 64_000}, {"1000", 1000}}
	for _, tt := range tests {
		if got, err := ParseRate(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseRate(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "x", "-1M", "NaN", "5000G"} {
		if _, err := ParseRate(bad); err == nil {
			t.Errorf("ParseRate(%q) = nil error, want one", bad)
		}
	}
}

func TestDefaultLang(t *testing.T) {
	tests := []struct{ lcAll, lcMsg, lang, want string }{
		{"", "", "zh_CN.UTF-8", "zh"},
		{"", "", "en_US.UTF-8", "en"},
		{"C", "", "zh_CN.UTF-8", "en"},
		{"", "zh_TW", "en_US", "zh"},
		{"", "", "", "en"},
	}
	for _, tt := range tests {
		t.Setenv("LC_ALL", tt.lcAll)
		t.Setenv("LC_MESSAGES", tt.lcMsg)
		t.Setenv("LANG", tt.lang)
		if got := DefaultLang(); got != tt.want {
			t.Errorf("LC_ALL=%q LC_MESSAGES=%q LANG=%q: DefaultLang() = %q, want %q", tt.lcAll, tt.lcMsg, tt.lang, got, tt.want)
		}
	}
}

func TestPanicBecomesError(t *testing.T) {
	d := fake(func(ctx context.Context, r *Run) error { panic("boom") })
	if _, _, err := runFake(t, d); err == nil || !strings.Contains(err.Error(), "internal error: boom") {
		t.Errorf("error = %v, want an internal error naming the panic", err)
	}
}

func TestInterruptClosesAndExits130(t *testing.T) {
	closed := make(chan struct{})
	d := fake(func(ctx context.Context, r *Run) error {
		r.OnClose(func() { close(closed) })
		<-ctx.Done()
		return ctx.Err()
	})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	var out bytes.Buffer
	_, err := Execute(ctx, d, nil, IO{Out: &out, Err: &out})
	select {
	case <-closed:
	default:
		t.Error("OnClose funcs did not run on interrupt")
	}
	var b bytes.Buffer
	if code := ExitCode(err, ctx, &b); code != 130 {
		t.Errorf("exit code = %d (%v), want 130", code, err)
	}
}

func TestLangZhPicksChinese(t *testing.T) {
	d := fake(func(ctx context.Context, r *Run) error {
		r.Printf("%s", r.T("hello", "你好"))
		return nil
	})
	_, out, err := runFake(t, d, "--lang", "zh")
	if err != nil || !strings.Contains(out, "你好") || !strings.Contains(out, "本次运行未测得") {
		t.Errorf("--lang zh output = %q, %v; want Chinese narration", out, err)
	}
}

func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"0", "10M", "1.5G", "64k", "1e3", "-1", "NaN", "Inf", "5000G"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseRate(s)
		if err == nil && (n < 0 || n > 1e12) {
			t.Errorf("ParseRate(%q) = %d, outside 0..1e12 without error", s, n)
		}
	})
}

func TestExposureWarning(t *testing.T) {
	for _, tt := range []struct {
		addr string
		warn bool
	}{
		{"127.0.0.1:80", false}, {"[::1]:80", false}, {"localhost:80", false},
		{"0.0.0.0:80", true}, {":80", true}, {"192.0.2.7:80", true}, {"[::]:80", true},
	} {
		if got := exposure(tt.addr); (got != "") != tt.warn {
			t.Errorf("exposure(%q) = %q, want a warning: %v", tt.addr, got, tt.warn)
		}
	}
}

func TestArgsFor(t *testing.T) {
	withLab := fake(func(ctx context.Context, r *Run) error { return nil })
	noLab := fake(func(ctx context.Context, r *Run) error { return nil })
	noLab.NoLab = true
	args := []string{"--rtt", "10ms", "--json", "--lang=zh", "--loss=0.1", "--seed", "3", "--step"}
	if got := strings.Join(ArgsFor(withLab, args), " "); got != strings.Join(args, " ") {
		t.Errorf("ArgsFor(lab demo) = %q, want every flag", got)
	}
	if got, want := strings.Join(ArgsFor(noLab, args), " "), "--json --lang=zh --step"; got != want {
		t.Errorf("ArgsFor(demo without a lab) = %q, want %q", got, want)
	}
}

func TestNewLabTopology(t *testing.T) {
	var hosts []string
	d := fake(func(ctx context.Context, r *Run) error {
		l, err := r.NewLabTopology(&lab.Topology{
			Hosts: []string{"client", "proxy", "app"},
			Links: []lab.Cable{{A: "client", B: "proxy"}, {A: "proxy", B: "app"}},
		})
		if err != nil {
			return err
		}
		for _, h := range l.Hosts() {
			hosts = append(hosts, h.Name())
		}
		if got := l.LinkOf(1).RTT; got != r.Link.RTT {
			return fmt.Errorf("link 1 RTT %v, want the run's %v", got, r.Link.RTT)
		}
		return nil
	})
	if _, _, err := runFake(t, d, "--rtt", "7ms"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(hosts, " "); got != "client.test proxy.test app.test" {
		t.Errorf("hosts = %q, want client.test proxy.test app.test", got)
	}
}
