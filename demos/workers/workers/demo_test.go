//go:build unix

package workers

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/netdemo/netdemo/internal/child"
	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/demo/demotest"
)

func init() {
	child.Register("workers-test-broken", func(ctx context.Context, args []string) int {
		fmt.Fprintln(os.Stderr, "workers-test-broken: no database at db.test:5432")
		return 3
	})
	// A worker that ignores SIGTERM: only the master's kill ends it.
	child.Register("workers-test-deaf", func(ctx context.Context, args []string) int {
		signal.Ignore(syscall.SIGTERM)
		fmt.Println("ready")
		select {}
	})
}

// TestStopKillsEveryDeafWorker: workers that do not end on SIGTERM are all
// killed when the grace period is over, not only the first of them.
func TestStopKillsEveryDeafWorker(t *testing.T) {
	before := childrenOf(t, os.Getpid())
	m, err := startMasterOf(context.Background(), "workers-test-deaf", "127.0.0.1:0", 3, false)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan map[int]int, 1)
	go func() { done <- m.Stop(100 * time.Millisecond) }()
	select {
	case codes := <-done:
		if len(codes) != 3 {
			t.Errorf("Stop returned exit codes %v, want 3", codes)
		}
		for pid, code := range codes {
			if code != -1 {
				t.Errorf("worker %d exit code %d, want -1 (killed)", pid, code)
			}
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Stop(100ms) had not returned after 20s with 3 workers that ignore SIGTERM")
	}
	assertNoLeftovers(t, before)
}

func TestMain(m *testing.M) {
	child.Dispatch()
	os.Exit(m.Run())
}

// testDemo is Demo with its explanation read from the folder, a copy the
// way the demos registry makes one (which this package cannot import: the
// registry imports it).
var testDemo = func() *demo.Demo {
	d := *Demo
	d.Docs = os.DirFS("..")
	return &d
}()

// TestDefaults runs the demo as a user would and checks every claim it
// makes against the result.
func TestDefaults(t *testing.T) {
	before := childrenOf(t, os.Getpid())
	o := demotest.Run(t, testDemo)
	noBadVerbs(t, o)

	if got := o.Num(t, "cpus"); int(got) != runtime.NumCPU() {
		t.Errorf("cpus = %v, want runtime.NumCPU() = %d", got, runtime.NumCPU())
	}
	proc, thr, gor := o.Num(t, "create_us.process"), o.Num(t, "create_us.thread"), o.Num(t, "create_us.goroutine")
	if gor <= 0 || thr <= gor || proc <= thr {
		t.Errorf("create_us process %v, thread %v, goroutine %v µs: want 0 < goroutine < thread < process", proc, thr, gor)
	}
	if runtime.GOOS == "linux" {
		if got := o.Num(t, "memory.threads_created"); got < 900 {
			t.Errorf("memory.threads_created = %v for 1000 locked goroutines, want ≥ 900 distinct thread ids", got)
		}
		rss, pss := o.Num(t, "memory.process_rss_kb"), o.Num(t, "memory.process_pss_kb")
		if pss <= 0 || pss >= rss {
			t.Errorf("idle child RSS %v KiB, PSS %v KiB: want 0 < PSS < RSS (8 children share their text)", rss, pss)
		}
		if got := o.Num(t, "memory_kb_per_unit.process"); got != pss {
			t.Errorf("memory_kb_per_unit.process = %v, want the PSS %v", got, pss)
		}
		if got := o.Num(t, "memory_kb_per_unit.thread"); got <= 0 {
			t.Errorf("memory_kb_per_unit.thread = %v, want > 0", got)
		}
	}
	min, adapted := o.Num(t, "memory.stack_min_bytes"), o.Num(t, "memory.stack_adapted_bytes")
	if min < 1024 || int(min)&(int(min)-1) != 0 {
		t.Errorf("memory.stack_min_bytes = %v, want a power of two ≥ 1 KiB", min)
	}
	if adapted <= min {
		t.Errorf("memory.stack_adapted_bytes = %v, want more than the minimum %v after a GC saw deep stacks", adapted, min)
	}
	if got := o.Num(t, "memory_kb_per_unit.goroutine"); got < min/1024 || got > 8*min/1024 {
		t.Errorf("memory_kb_per_unit.goroutine = %v KiB, want about the starting stack (%v bytes)", got, min)
	}
	for _, k := range []string{"process", "thread", "goroutine"} {
		if got := o.Num(t, "switch_us."+k); got <= 0 {
			t.Errorf("switch_us.%s = %v, want > 0", k, got)
		}
	}

	if o.Get(t, "child_counter_changed_parent") != false {
		t.Errorf("child_counter_changed_parent = %v, want false", o.Get(t, "child_counter_changed_parent"))
	}
	if m, a := o.Num(t, "lost_updates.mutex"), o.Num(t, "lost_updates.atomic"); m != 0 || a != 0 {
		t.Errorf("lost_updates mutex %v, atomic %v, want 0 and 0", m, a)
	}
	if got := o.Get(t, "lost_updates.race_detector"); got != raceEnabled {
		t.Errorf("lost_updates.race_detector = %v, want %v", got, raceEnabled)
	}

	if got := o.Num(t, "crash.process_model_survivors"); got != 2 {
		t.Errorf("crash.process_model_survivors = %v, want 2 of 3 workers after one crashed", got)
	}
	if ok, n := o.Num(t, "crash.process_model_requests_ok"), o.Num(t, "crash.process_model_requests"); ok != n {
		t.Errorf("after the crash %v of %v requests were answered, want all", ok, n)
	}
	if got := o.Num(t, "crash.crashed_worker_exit_status"); got != 2 {
		t.Errorf("crash.crashed_worker_exit_status = %v, want 2 (Go's status for a panic)", got)
	}
	if got := o.Num(t, "crash.goroutine_panic_exit_status"); got != 2 {
		t.Errorf("crash.goroutine_panic_exit_status = %v, want 2", got)
	}
	if msg, _ := o.Get(t, "crash.goroutine_panic_message").(string); !strings.Contains(msg, "nil map") {
		t.Errorf("crash.goroutine_panic_message = %q, want the nil-map panic", msg)
	}

	if got := o.Num(t, "prefork.workers"); got != 4 {
		t.Errorf("prefork.workers = %v, want 4", got)
	}
	if got := o.Num(t, "prefork.pids_seen"); got < 2 {
		t.Errorf("prefork.pids_seen = %v, want the requests spread over ≥ 2 workers", got)
	}
	killed, respawned := o.Num(t, "prefork.killed_pid"), o.Num(t, "prefork.respawned_pid")
	if killed <= 0 || respawned <= 0 || killed == respawned {
		t.Errorf("prefork killed_pid %v, respawned_pid %v: want two different PIDs", killed, respawned)
	}
	// The spread table names both the killed worker and its replacement,
	// even when the replacement came too late to serve any request.
	rowsByPID := map[float64]string{}
	for _, e := range o.Kind("table") {
		if e["id"] != "spread" {
			continue
		}
		for _, row := range e["rows"].([]any) {
			cells := row.([]any)
			rowsByPID[cells[0].(float64)], _ = cells[2].(string)
		}
	}
	if rowsByPID[killed] == "" || rowsByPID[respawned] == "" {
		t.Errorf("spread table rows %v: want a row for the killed worker %v and for its replacement %v", rowsByPID, killed, respawned)
	}
	if got := o.Num(t, "prefork.failed_requests"); got != 0 {
		t.Errorf("prefork.failed_requests = %v, want 0 after the restart", got)
	}
	if got := o.Num(t, "prefork.sigchld"); got < 1 {
		t.Errorf("prefork.sigchld = %v, want ≥ 1: the master is told its worker died", got)
	}
	if n, done := o.Num(t, "prefork.graceful_inflight"), o.Num(t, "prefork.graceful_inflight_completed"); n != 4 || done != n {
		t.Errorf("graceful: %v of %v in-flight requests completed, want 4 of 4", done, n)
	}
	for _, c := range o.Get(t, "prefork.graceful_exit_codes").([]any) {
		if c != 0.0 {
			t.Errorf("graceful exit codes %v, want all 0", o.Get(t, "prefork.graceful_exit_codes"))
			break
		}
	}
	if got := o.Num(t, "single.failed") + o.Num(t, "prefork.load.failed"); got != 0 {
		t.Errorf("%v requests failed in the comparison, want 0", got)
	}

	if _, err := exec.LookPath("python3"); err != nil {
		if o.Get(t, "gil") != nil {
			t.Errorf("gil = %v without python3, want null", o.Get(t, "gil"))
		}
	} else {
		if v, _ := o.Get(t, "gil.python").(string); !strings.HasPrefix(v, "3.") {
			t.Errorf("gil.python = %q, want sys.version", v)
		}
		// CPU time over wall time does not depend on how busy the machine
		// is: under the GIL it stays at about one core.
		if o.Get(t, "gil.gil_enabled") == true {
			if c := o.Num(t, "gil.cpu.threads4_cores"); c <= 0 || c > 1.3 {
				t.Errorf("with the GIL on, 4 CPU-bound threads kept %.2f CPUs busy, want about 1 at most", c)
			}
		}
		if t1, t4 := o.Num(t, "gil.io.threads1_s"), o.Num(t, "gil.io.threads4_s"); t4 >= t1 {
			t.Errorf("IO waits: 4 threads %vs, 1 thread %vs, want 4 threads faster", t4, t1)
		}
	}
	if got := o.Num(t, "go.n"); int(got) != runtime.NumCPU() {
		t.Errorf("go.n = %v, want GOMAXPROCS=NumCPU = %d in the second child", got, runtime.NumCPU())
	}
	if got := o.Num(t, "go.cpu.gomaxprocs1_s"); got <= 0 {
		t.Errorf("go.cpu.gomaxprocs1_s = %v, want > 0", got)
	}

	want := "cores create memory switch isolation crash prefork compare graceful gil go-gil"
	if _, err := exec.LookPath("python3"); err != nil {
		want = "cores create memory switch isolation crash prefork compare graceful go-gil"
	}
	if got := strings.Join(o.Report.Steps, " "); got != want {
		t.Errorf("steps = %s, want %s", got, want)
	}
	assertNoLeftovers(t, before)
}

// TestZh: the Chinese run is Chinese and fills the same explanation.
func TestZh(t *testing.T) {
	o := demotest.Run(t, testDemo, quick("--lang", "zh")...)
	noBadVerbs(t, o)
	for _, e := range o.Kind("step") {
		if title, _ := e["title"].(string); !hasHan(title) {
			t.Errorf("step %v title %q has no Chinese", e["id"], title)
		}
	}
	allow := zhAllow
	if g, ok := o.Result["gil"].(map[string]any); ok {
		allow = append(allow, strings.Join(strings.Fields(g["python"].(string)), " ")) // sys.version, as Python printed it (the view folds runs of spaces)
	}
	demotest.CheckChinese(t, o, allow...)
	for _, line := range strings.Split(o.Text, "\n") {
		if bad := spaceByFullWidth(line); bad != "" {
			t.Errorf("a space next to full-width punctuation (%q) in %q", bad, line)
		}
	}
}

// zhAllow are the Latin-script words a Chinese run may print: names of
// programs and frameworks, the Go and Unix terms Chinese programmers use
// as they are (goroutine, channel, fork, exec, panic...), the µs unit
// (split at µ), and what a child printed, quoted as it was.
var zhAllow = []string{"goroutine", "Python", "Django", "Flask", "gunicorn", "master", "worker",
	"exec", "fork", "pre", "cgo", "channel", "panic", "recover", "nil", "map", "fd", "epoll",
	"hashlib", "netpoller", "s", "assignment to entry in nil map", "crash requested"}

// fullWidthSpaceRE finds a space after full-width punctuation, or before
// an opening one, where Chinese typesetting has none. A hard wrap in a
// README line next to such punctuation renders as exactly this.
var fullWidthSpaceRE = regexp.MustCompile(`[，。：；、！？）」] +[^ ]|[!-~] +[（「]`)

// spaceByFullWidth returns the first such space in a line of running text
// (tables, whose columns are separated by runs of spaces, are skipped).
func spaceByFullWidth(line string) string {
	if strings.Contains(strings.TrimLeft(line, " "), "  ") {
		return ""
	}
	return fullWidthSpaceRE.FindString(line)
}

// TestInterrupt cancels runs at several points: nothing started is left.
func TestInterrupt(t *testing.T) {
	before := childrenOf(t, os.Getpid())
	for _, after := range []time.Duration{50 * time.Millisecond, 300 * time.Millisecond, 700 * time.Millisecond} {
		ctx, cancel := context.WithTimeout(context.Background(), after)
		_, err := demo.Execute(ctx, testDemo, append([]string{"--json"}, quick()...), demo.IO{Out: io.Discard, Err: io.Discard})
		cancel()
		if err == nil {
			t.Logf("run finished within %v", after)
		}
		assertNoLeftovers(t, before)
	}
}

// TestServe keeps the pre-fork server up, asks it, then stops it.
func TestServe(t *testing.T) {
	before := childrenOf(t, os.Getpid())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := demo.Execute(ctx, testDemo, []string{"--serve", "--json", "--addr", "127.0.0.1:0", "--workers", "2"}, demo.IO{Out: pw, Err: io.Discard})
		pw.CloseWithError(err)
		done <- err
	}()
	addr := ""
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		var e map[string]any
		if json.Unmarshal(sc.Bytes(), &e) == nil && e["kind"] == "listening" {
			addr, _ = e["addr"].(string)
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if addr == "" {
		t.Fatalf("no listening event: %v", <-done)
	}
	pid, err := get(context.Background(), newClient(), "http://"+addr+"/")
	if err != nil || pid <= 0 {
		t.Fatalf("GET http://%s/ = %d, %v", addr, pid, err)
	}
	// A slow request in flight when Ctrl-C comes still completes.
	slow := make(chan error, 1)
	headers := make(chan struct{})
	go func() {
		resp, err := newClient().Get("http://" + addr + "/slow?ms=300")
		close(headers)
		if err != nil {
			slow <- err
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err == nil {
			_, err = parsePID(string(b))
		}
		slow <- err
	}()
	<-headers
	cancel()
	if err := <-done; err != nil {
		t.Errorf("--serve ended with %v, want nil", err)
	}
	if err := <-slow; err != nil {
		t.Errorf("a request in flight at Ctrl-C: %v, want it completed", err)
	}
	assertNoLeftovers(t, before)
}

// TestServePortInUse: a taken port is one clear message.
func TestServePortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = demo.Execute(context.Background(), testDemo, []string{"--serve", "--addr", ln.Addr().String()}, demo.IO{Out: io.Discard, Err: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "already in use") || !strings.Contains(err.Error(), "--addr") {
		t.Errorf("--serve on a taken port: %v, want \"already in use\" and a hint to use --addr", err)
	}
}

// TestBadFlags: out-of-range counts are usage errors before anything runs.
func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"--workers", "1"}, {"--procs", "0"}, {"--race-for", "0s"}} {
		_, err := demo.Execute(context.Background(), testDemo, args, demo.IO{Out: io.Discard, Err: io.Discard})
		var ue *demo.UsageError
		if !asUsage(err, &ue) {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
	}
}

// TestWorkerFailsToStart: a worker that exits before it is ready is an
// error naming it and quoting what it said.
func TestWorkerFailsToStart(t *testing.T) {
	before := childrenOf(t, os.Getpid())
	m, err := startMasterOf(context.Background(), "workers-test-broken", "127.0.0.1:0", 2, true)
	if err == nil {
		m.Stop(time.Second)
		t.Fatal("startMaster with a worker that exits at once succeeded")
	}
	if !strings.Contains(err.Error(), "did not start") || !strings.Contains(err.Error(), "no database at db.test:5432") {
		t.Errorf("err = %v, want \"did not start\" and the worker's own message", err)
	}
	assertNoLeftovers(t, before)
}

// TestMasterRespawn: the master replaces a killed worker, and the new one
// answers on the same socket.
func TestMasterRespawn(t *testing.T) {
	ctx := context.Background()
	m, err := startMaster(ctx, "127.0.0.1:0", 2, true)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Stop(time.Second)
	victim := m.PIDs()[0]
	if err := m.Kill(victim); err != nil {
		t.Fatal(err)
	}
	var ex exited
	select {
	case ex = <-m.exits:
	case <-time.After(5 * time.Second):
		t.Fatal("no worker was reaped 5s after SIGKILL")
	}
	if ex.PID != victim || ex.Signal != "SIGKILL" || ex.Replacement == 0 || ex.ReplaceErr != nil {
		t.Fatalf("reaped %+v, want PID %d killed and replaced", ex, victim)
	}
	seen := map[int]bool{}
	c := newClient()
	for i := 0; i < 40 && !seen[ex.Replacement]; i++ {
		pid, err := get(ctx, c, "http://"+m.Addr()+"/")
		if err != nil {
			t.Fatal(err)
		}
		seen[pid] = true
	}
	if seen[victim] {
		t.Errorf("the killed worker %d answered", victim)
	}
	if !seen[ex.Replacement] {
		t.Logf("the replacement %d answered none of 40 requests (the kernel chose the other worker)", ex.Replacement)
	}
}

func TestParsePID(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{{"pid 42\n", 42, true}, {"pid 0", 0, false}, {"pid -3", 0, false}, {"42", 0, false}, {"pid x", 0, false}} {
		got, err := parsePID(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parsePID(%q) = %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

// FuzzParsePID: a response body is outside input.
func FuzzParsePID(f *testing.F) {
	f.Add("pid 42\n")
	f.Add("pid ")
	f.Add("pid 99999999999999999999")
	f.Fuzz(func(t *testing.T, s string) {
		if pid, err := parsePID(s); err == nil && pid <= 0 {
			t.Fatalf("parsePID(%q) = %d without error", s, pid)
		}
	})
}

// noBadVerbs fails on a %!verb(…) anywhere in the output: a format whose
// arguments do not match it.
func noBadVerbs(t *testing.T, o *demotest.Output) {
	t.Helper()
	for _, e := range o.Events {
		b, _ := json.Marshal(e)
		if strings.Contains(string(b), "%!") {
			t.Errorf("bad format in %s", b)
		}
	}
}

// quick are flags that keep a test run short.
func quick(extra ...string) []string {
	return append([]string{"--procs", "3", "--threads", "50", "--goroutines", "1000", "--idle-procs", "2",
		"--idle", "100", "--switches", "1000", "--race-for", "5ms", "--workers", "2", "--requests", "20",
		"--py-loop", "100000", "--go-loop", "1000000"}, extra...)
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func asUsage(err error, ue **demo.UsageError) bool {
	for err != nil {
		if u, ok := err.(*demo.UsageError); ok {
			*ue = u
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

// childrenOf lists the live processes whose parent is pid, from /proc
// (nil where there is none).
func childrenOf(t *testing.T, pid int) map[int]string {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	kids := map[int]string{}
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so cut at the last ')'.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 || f[0] == "Z" && false {
			continue
		}
		if ppid, _ := strconv.Atoi(f[1]); ppid == pid {
			kids[n] = s[:i+1] + " " + f[0]
		}
	}
	return kids
}

// assertNoLeftovers waits up to 3 s for every child started since before
// to be gone (reaped: not even a zombie) and this process to be back to
// about its threads.
func assertNoLeftovers(t *testing.T, before map[int]string) {
	t.Helper()
	if before == nil && runtime.GOOS != "linux" {
		return
	}
	deadline := time.Now().Add(3 * time.Second)
	var extra map[int]string
	for {
		extra = map[int]string{}
		for pid, desc := range childrenOf(t, os.Getpid()) {
			if _, ok := before[pid]; !ok {
				extra[pid] = desc
			}
		}
		if len(extra) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(extra) > 0 {
		t.Errorf("child processes left after the demo: %v", extra)
	}
	if py := processesMatching("netdemo-workers-"); len(py) > 0 {
		t.Errorf("python processes of gil.py left after the demo: %v", py)
	}
	if st, ok := procKB("self", "status"); ok && st["Threads"] > 64 {
		t.Errorf("%d threads in the test process after the demo, want its idle threads gone", st["Threads"])
	}
}

// processesMatching lists live processes whose command line contains s
// (gil.py runs from a temporary folder named netdemo-workers-*, so its
// multiprocessing children match too, whoever their parent now is).
func processesMatching(s string) []string {
	ents, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err == nil && strings.Contains(string(b), s) {
			out = append(out, e.Name()+": "+strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return out
}

// TestPythonInterrupted: a cancelled GIL run leaves no python process,
// multiprocessing's children included.
func TestPythonInterrupted(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed: apt-get install python3")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := runPython(ctx, 1000000000); err == nil {
		t.Fatal("a billion-iteration GIL run finished in 300 ms")
	}
	deadline := time.Now().Add(3 * time.Second)
	for len(processesMatching("netdemo-workers-")) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if py := processesMatching("netdemo-workers-"); len(py) > 0 {
		t.Errorf("python processes left after cancelling: %v", py)
	}
}

// TestWithoutPython: with no python3 on PATH the run says so in one line,
// with how to install it, and shows nothing Python-shaped; the Go half
// still runs.
func TestWithoutPython(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	o := demotest.Run(t, testDemo, quick()...)
	if g := o.Get(t, "gil"); g != nil {
		t.Errorf("gil = %v with no python3, want null", g)
	}
	mentions := 0
	for _, e := range o.Kind("say") {
		if text, _ := e["text"].(string); strings.Contains(text, "python3") {
			mentions++
			if !strings.Contains(text, "apt-get install python3") {
				t.Errorf("the no-python line %q does not say how to install it", text)
			}
		}
	}
	if mentions != 1 {
		t.Errorf("%d lines mention python3, want exactly one", mentions)
	}
	for _, e := range o.Kind("table") {
		if e["id"] == "gil" {
			t.Errorf("a GIL table was shown without python3")
		}
	}
	for _, id := range o.Report.Steps {
		if id == "gil" {
			t.Errorf("the gil step ran without python3")
		}
	}
	if got := o.Num(t, "go.cpu.gomaxprocs1_s"); got <= 0 {
		t.Errorf("go.cpu.gomaxprocs1_s = %v, want the Go half to run", got)
	}
}

// TestStartingAWorkerKeepsTheSocketNonBlocking: handing the listening
// socket to a worker (os.StartProcess calls Fd() on it) must not put the
// socket, shared by every worker, into blocking mode; a worker's accept
// would then sleep in the kernel and SIGTERM could not end it.
func TestStartingAWorkerKeepsTheSocketNonBlocking(t *testing.T) {
	m, err := startMaster(context.Background(), "127.0.0.1:0", 2, false)
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			m.Stop(time.Second)
		}
	}()
	m.lnFile.Fd() // what each os.StartProcess does
	rc, err := m.ln.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var flags int
	rc.Control(func(fd uintptr) { flags, err = unix.FcntlInt(fd, unix.F_GETFL, 0) })
	if err != nil {
		t.Fatal(err)
	}
	if flags&unix.O_NONBLOCK == 0 {
		t.Errorf("the listening socket is in blocking mode after Fd() on the workers' copy (flags %#o)", flags)
	}
	stopped = true
	codes := m.Stop(5 * time.Second)
	for pid, code := range codes {
		if code != 0 {
			t.Errorf("worker %d exited %d on SIGTERM, want 0", pid, code)
		}
	}
}
