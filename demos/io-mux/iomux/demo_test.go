//go:build linux || darwin

package iomux

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/netdemo/netdemo/demos/io-mux/iomux/echo"
	"github.com/netdemo/netdemo/demos/io-mux/iomux/proc"
	"github.com/netdemo/netdemo/demos/io-mux/iomux/remote"
	"github.com/netdemo/netdemo/internal/child"
	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/demo/demotest"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) {
	if Demo.Docs == nil {
		// Package demos embeds the explanation; this test binary does not
		// link it.
		Demo.Docs = os.DirFS("..")
	}
	child.Dispatch()
	os.Exit(m.Run())
}

// lowLimit is the RLIMIT_NOFILE the low-limit child runs the demo under.
const lowLimit = 600

func init() { child.Register("iomux-test-lowlimit", runUnderLowLimit) }

// runUnderLowLimit lowers this process's descriptor limit, hard and soft,
// and runs the demo with --json.
func runUnderLowLimit(ctx context.Context, args []string) int {
	lim := unix.Rlimit{Cur: lowLimit, Max: lowLimit}
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	_, err := demo.Execute(ctx, Demo, append([]string{"--json"}, args...), demo.IO{Out: os.Stdout, Err: os.Stderr})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// TestFewDescriptors: with RLIMIT_NOFILE at 600 the curve stops short of
// --conns 1000 and says so, and select's limit cannot be reached.
func TestFewDescriptors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd, err := child.Command(ctx, "iomux-test-lowlimit", []string{"--conns", "1000", "--requests", "10"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the demo under RLIMIT_NOFILE %d: %v\n%s", lowLimit, err, stderr.String())
	}
	lines := bytes.Split(bytes.TrimSpace(out), []byte("\n"))
	var res result
	if err := json.Unmarshal(lines[len(lines)-1], &res); err != nil {
		t.Fatal(err)
	}
	if res.NofileLimit != lowLimit {
		t.Errorf("nofile_limit = %d, want %d", res.NofileLimit, lowLimit)
	}
	rows := res.Servers.Epoll.ByConns
	if len(rows) == 0 || rows[len(rows)-1].Conns != lowLimit-descriptorSlack {
		t.Errorf("epoll rows %+v: want the last at %d connections", rows, lowLimit-descriptorSlack)
	}
	if !bytes.Contains(out, []byte("the curve stops at")) {
		t.Error("the run did not say that the curve stops early")
	}
	if res.SelectLimit.RefusedFD != 0 || res.SelectLimit.Error == "" {
		t.Errorf("select_limit = %+v under a limit of %d, want no refused descriptor and the reason", res.SelectLimit, lowLimit)
	}
}

// TestRun runs the demo small and checks the result against what each
// model must show.
func TestRun(t *testing.T) {
	o := demotest.Run(t, Demo, "--conns", "100", "--requests", "20")
	noBadVerbs(t, o)
	for _, k := range echo.Kinds {
		rows, ok := o.Get(t, "servers."+string(k)+".by_conns").([]any)
		if !ok || len(rows) != 2 {
			t.Fatalf("servers.%s.by_conns = %v, want rows for 10 and 100 connections", k, o.Get(t, "servers."+string(k)+".by_conns"))
		}
		for _, field := range []string{"conns", "p50_us", "p99_us", "cpu_us_per_1k", "fds_scanned_per_wake", "os_threads", "rss_kb_per_conn"} {
			if _, ok := rows[1].(map[string]any)[field]; !ok {
				t.Errorf("servers.%s.by_conns[1] has no %s", k, field)
			}
		}
	}
	row := func(k echo.Kind) map[string]any {
		return o.Get(t, "servers."+string(k)+".by_conns").([]any)[1].(map[string]any)
	}
	if got := row(echo.Select)["fds_scanned_per_wake"].(float64); got < 100 {
		t.Errorf("select examined %v descriptors per wake-up with 100 open, want ≥ 100", got)
	}
	if got := row(echo.Poll)["fds_scanned_per_wake"].(float64); got < 100 {
		t.Errorf("poll examined %v descriptors per wake-up with 100 open, want ≥ 100", got)
	}
	if got := row(echo.Epoll)["fds_scanned_per_wake"].(float64); got > 20 {
		t.Errorf("%s examined %v descriptors per wake-up with 10 of 100 active, want ≤ 20", echo.EventMechanism, got)
	}
	if got := row(echo.Netpoll)["fds_scanned_per_wake"]; got != nil {
		t.Errorf("netpoll fds_scanned_per_wake = %v, want null (not observable)", got)
	}
	if got := row(echo.Threads)["os_threads"].(float64); got < 100 {
		t.Errorf("thread per connection ran %v OS threads for 100 connections", got)
	}
	if got := row(echo.Epoll)["os_threads"].(float64); got > 50 {
		t.Errorf("the %s loop ran %v OS threads", echo.EventMechanism, got)
	}

	if got := o.Num(t, "select_limit.fd_setsize"); got != float64(echo.FDSetSize) {
		t.Errorf("select_limit.fd_setsize = %v, want %d", got, echo.FDSetSize)
	}
	if o.Num(t, "nofile_limit") > float64(echo.FDSetSize+64) {
		if got := o.Num(t, "select_limit.refused_fd"); got < float64(echo.FDSetSize) {
			t.Errorf("select_limit.refused_fd = %v, want ≥ %d", got, echo.FDSetSize)
		}
		if o.Get(t, "select_limit.error") == "" {
			t.Error("select_limit.error is empty")
		}
		if o.Get(t, "select_limit.poll_served") != true {
			t.Error("the poll server did not answer a client at a descriptor ≥ FD_SETSIZE")
		}
	}
	if o.Get(t, "edge_triggered.stalled") != true || o.Get(t, "edge_triggered.fixed") != true {
		t.Errorf("edge_triggered = %v, want stalled and fixed", o.Get(t, "edge_triggered"))
	}

	py := o.Get(t, "python")
	if _, err := exec.LookPath("python3"); err != nil {
		if py != nil {
			t.Errorf("python = %v without python3 installed, want null", py)
		}
		t.Log("python3 not installed (apt-get install python3): the Python part was not checked")
		return
	}
	if py == nil {
		t.Fatal("python is null although python3 is installed")
	}
	if got := o.Num(t, "python.single_thread_blocked_ms"); got < o.Num(t, "python.hold_ms")*0.8 {
		t.Errorf("HTTPServer answered after %v ms with an idle connection held %v ms: not blocked", got, o.Num(t, "python.hold_ms"))
	}
	if got := o.Num(t, "python.threaded_threads"); got < o.Num(t, "python.idle_conns") {
		t.Errorf("ThreadingHTTPServer ran %v threads for %v idle connections", got, o.Num(t, "python.idle_conns"))
	}
	if o.Get(t, "python.selector") == "" || o.Get(t, "python.version") == "" {
		t.Errorf("python = %v, want selector and version", py)
	}
}

// TestRunChinese: every sentence and placeholder in Chinese too.
func TestRunChinese(t *testing.T) {
	o := demotest.Run(t, Demo, "--lang", "zh", "--conns", "100", "--active", "2", "--requests", "10")
	noBadVerbs(t, o)
	checkChinese(t, o)
}

// checkChinese: Chinese throughout, but for the names of programs, projects
// and kernel interfaces, written the same in Chinese.
func checkChinese(t *testing.T, o *demotest.Output) {
	t.Helper()
	demotest.CheckChinese(t, o, "epoll", "kqueue", "goroutine", "netpoller", "Flask", "Werkzeug", "gunicorn",
		"nginx", "Python", "glibc", "libev", "libuv")
}

// TestAllBusy: with every connection busy the run says so, counts select's
// scan per request, and neither calls the connections idle nor suggests
// more of them as the way to see a difference.
func TestAllBusy(t *testing.T) {
	o := demotest.Run(t, Demo, "--conns", "100", "--active", "100", "--requests", "10")
	text := strings.Join(strings.Fields(o.Text), " ")
	if !strings.Contains(text, "With every connection busy") {
		t.Error("the run with every connection busy did not say what select's scan cost per request")
	}
	for _, wrong := range []string{"the rest idle", "try --conns"} {
		if strings.Contains(text, wrong) {
			t.Errorf("with every connection busy the run printed %q", wrong)
		}
	}
	zh := demotest.Run(t, Demo, "--lang", "zh", "--conns", "100", "--active", "100", "--requests", "10")
	if !strings.Contains(zh.Text, "所有连接都忙碌") {
		t.Error("the Chinese run with every connection busy did not say so")
	}
	checkChinese(t, zh)
}

// noBadVerbs fails on a %!verb(…) anywhere in the output: a format and its
// arguments that do not match.
func noBadVerbs(t *testing.T, o *demotest.Output) {
	t.Helper()
	for _, e := range o.Events {
		b, _ := json.Marshal(e)
		if strings.Contains(string(b), "%!") {
			t.Errorf("bad format in %s", b)
		}
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"--conns", "5"}, {"--conns", "10001"}, {"--active", "0"}, {"--requests", "1"}} {
		var out, errb bytes.Buffer
		_, err := demo.Execute(context.Background(), Demo, args, demo.IO{Out: &out, Err: &errb})
		var ue *demo.UsageError
		if !errors.As(err, &ue) {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
	}
}

// BenchmarkSelectEpollCPU reports select's CPU time per request over
// epoll's (kqueue's) at 1,000 open connections, 10 of them busy. Each
// iteration measures both servers, 2,000 requests each.
func BenchmarkSelectEpollCPU(b *testing.B) {
	proc.RaiseNoFile()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	const conns, active, requests = 1000, 10, 200
	kinds := []echo.Kind{echo.Select, echo.Epoll}
	srvs := map[echo.Kind]*remote.Server{}
	cls := map[echo.Kind]*remote.Clients{}
	for _, k := range kinds {
		srv, err := remote.Start(ctx, k, echo.Config{}, 0)
		if err != nil {
			b.Fatal(err)
		}
		cl := remote.NewClients(srv.Addr)
		b.Cleanup(func() { cl.Close(); srv.Stop() })
		srvs[k], cls[k] = srv, cl
		if _, err := remote.Measure(ctx, srv, cl, conns, active, 10); err != nil {
			b.Fatal(err)
		}
	}
	cpu := map[echo.Kind]time.Duration{}
	reqs := map[echo.Kind]int{}
	for b.Loop() {
		for _, k := range kinds {
			ph, err := remote.Measure(ctx, srvs[k], cls[k], conns, active, requests)
			if err != nil {
				b.Fatal(err)
			}
			cpu[k] += ph.CPU
			reqs[k] += ph.Requests
		}
	}
	per := func(k echo.Kind) float64 {
		return float64(cpu[k]) / float64(time.Microsecond) * 1000 / float64(max(1, reqs[k]))
	}
	b.ReportMetric(per(echo.Select), "select-cpu-µs/1k-req")
	b.ReportMetric(per(echo.Epoll), echo.EventMechanism+"-cpu-µs/1k-req")
	b.ReportMetric(per(echo.Select)/per(echo.Epoll), "select/"+echo.EventMechanism+"-cpu")
}
