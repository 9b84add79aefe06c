package deploy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/netdemo/netdemo/demos"
	"github.com/netdemo/netdemo/internal/child"
	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/demo/demotest"
)

// TestMain lets the test binary be its own CGI script and app server.
func TestMain(m *testing.M) {
	child.Dispatch()
	os.Exit(m.Run())
}

func deployDemo(t *testing.T) *demo.Demo {
	t.Helper()
	d := deployDemoNoT()
	if d == nil {
		t.Fatal("deploy is not registered in package demos")
	}
	return d
}

func deployDemoNoT() *demo.Demo { return demos.Lookup("deploy") }

// TestRun runs the demo as a user would and checks every field of the
// result against what must have happened.
func TestRun(t *testing.T) {
	before := leftovers(t)
	o := demotest.Run(t, deployDemo(t), "--requests", "40", "--slow", "300ms", "--workers", "2")

	hops := o.Get(t, "hops").([]any)
	if len(hops) != 2 {
		t.Fatalf("hops = %v, want 2", hops)
	}
	h1, h2 := hops[0].(map[string]any), hops[1].(map[string]any)
	if h1["transport"] != "tcp" || h2["transport"] != "unix" || !strings.HasSuffix(h2["addr"].(string), "app.sock") {
		t.Errorf("hops = %v, want tcp then unix to app.sock", hops)
	}
	if got := o.Get(t, "forwarded.x_forwarded_for"); got != "127.0.0.1" {
		t.Errorf("x_forwarded_for = %v, want 127.0.0.1", got)
	}
	if got := o.Get(t, "forwarded.x_forwarded_proto"); got != "http" {
		t.Errorf("x_forwarded_proto = %v, want http", got)
	}
	if got := o.Get(t, "forwarded.via").(string); !strings.Contains(got, "netdemo-proxy") {
		t.Errorf("via = %q, want the proxy's token", got)
	}
	if n := o.Num(t, "static_reached_app"); n != 0 {
		t.Errorf("static_reached_app = %v, want 0", n)
	}
	if o.Get(t, "tls_terminated_at_proxy") != true {
		t.Errorf("tls_terminated_at_proxy = false, want true")
	}

	// The slow upload took at least 300 ms to send; unbuffered, the worker
	// waited for all of it; buffered, it got the body at once.
	un, bu := o.Num(t, "buffering.worker_busy_ms_unbuffered"), o.Num(t, "buffering.worker_busy_ms_buffered")
	if un < 150 || bu >= un/2 {
		t.Errorf("worker busy unbuffered %v ms, buffered %v ms: want unbuffered ≥ 150 and buffered under half of it", un, bu)
	}
	sun, sbu := o.Num(t, "buffering.slow_reader_worker_busy_ms_unbuffered"), o.Num(t, "buffering.slow_reader_worker_busy_ms_buffered")
	if sbu >= sun {
		t.Errorf("slow reader: worker busy unbuffered %v ms, buffered %v ms: want buffered shorter", sun, sbu)
	}

	if e := o.Num(t, "failover.errors"); e > 0 && o.Num(t, "failover.status_while_down") != 502 {
		t.Errorf("failover status_while_down = %v, want 502", o.Get(t, "failover.status_while_down"))
	}
	if n := o.Num(t, "failover.served_by_survivor"); n < 7 {
		t.Errorf("served_by_survivor = %v, want at least 7 of the 8 requests after the kill", n)
	}

	_, py := exec.LookPath("python3")
	for _, name := range []string{"in_process", "tcp", "unix", "fastcgi", "uwsgi", "cgi", "wsgi_python"} {
		tm, ok := o.Get(t, "timing").(map[string]any)[name].(map[string]any)
		if name == "wsgi_python" && py != nil {
			if ok {
				t.Errorf("timing has wsgi_python without python3")
			}
			continue
		}
		if !ok {
			t.Errorf("timing has no %s row", name)
			continue
		}
		if tm["rps"].(float64) <= 0 || tm["p99_ms"].(float64) < tm["p50_ms"].(float64) {
			t.Errorf("timing %s = %v: want rps > 0 and p99 ≥ p50", name, tm)
		}
	}
	checkUnixTCPSays(t, o)
	cgiRow := o.Get(t, "timing").(map[string]any)["cgi"].(map[string]any)
	if n, want := o.Num(t, "cgi_processes"), 3+cgiRow["requests"].(float64); n < want {
		t.Errorf("cgi_processes = %v, want at least %v (a process per request)", n, want)
	}

	recs := o.Get(t, "fastcgi_records").(map[string]any)
	for typ, want := range map[string]float64{"BEGIN_REQUEST": 1, "PARAMS": 2, "STDIN": 2, "END_REQUEST": 1} {
		if recs[typ] != want {
			t.Errorf("fastcgi_records[%s] = %v, want %v", typ, recs[typ], want)
		}
	}
	if n, _ := recs["STDOUT"].(float64); n < 2 {
		t.Errorf("fastcgi_records[STDOUT] = %v, want data then the empty record", recs["STDOUT"])
	}
	if h := o.Get(t, "uwsgi_header").(string); len(h) != 8 || h[:2] != "00" || h[6:] != "00" {
		t.Errorf("uwsgi_header = %q, want 4 bytes with modifiers 0", h)
	}

	w := o.Get(t, "wsgi")
	if py != nil {
		if w != nil {
			t.Errorf("wsgi = %v without python3, want null", w)
		}
	} else {
		wm := w.(map[string]any)
		keys := strings.Join(toStrings(wm["environ_keys"]), " ")
		for _, k := range []string{"wsgi.version", "wsgi.input", "wsgi.url_scheme", "wsgi.multithread", "wsgi.multiprocess", "REQUEST_METHOD", "PATH_INFO", "HTTP_X_FORWARDED_FOR"} {
			if !strings.Contains(keys, k) {
				t.Errorf("wsgi environ_keys lack %s: %s", k, keys)
			}
		}
		if wm["status"] != "200 OK" || !strings.HasPrefix(wm["server"].(string), "WSGIServer") {
			t.Errorf("wsgi = %v, want status 200 OK from wsgiref's WSGIServer", wm)
		}
		flask := exec.Command("python3", "-c", "import flask").Run() == nil
		if wm["flask"] != flask {
			t.Errorf("wsgi.flask = %v, but flask importable = %v", wm["flask"], flask)
		}
		if flask && wm["flask_caller"] != "flask.app.Flask.__call__" {
			t.Errorf("flask_caller = %v, want flask.app.Flask.__call__", wm["flask_caller"])
		}
	}

	_, nerr := exec.LookPath("nginx")
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		nerr = nil
	}
	_, gerr := exec.LookPath("gunicorn")
	rs := o.Get(t, "real_stack")
	if nerr != nil || gerr != nil {
		if rs != nil {
			t.Errorf("real_stack = %v without nginx and gunicorn, want null", rs)
		}
	} else if m, ok := rs.(map[string]any); !ok {
		t.Errorf("real_stack = %v with nginx and gunicorn installed, want an object", rs)
	} else {
		if n := m["workers_seen"].(float64); n < 1 || n > 2 {
			t.Errorf("real_stack.workers_seen = %v, want 1 or 2 (gunicorn runs 2 workers)", n)
		}
		if !strings.HasPrefix(m["nginx"].(string), "nginx/") || !strings.HasPrefix(m["gunicorn"].(string), "gunicorn/") {
			t.Errorf("real_stack = %v, want nginx/… and gunicorn/…", m)
		}
	}

	bad := map[string]float64{}
	for _, b := range o.Get(t, "bad_input").([]any) {
		m := b.(map[string]any)
		bad[m["case"].(string)] = m["status"].(float64)
		if m["error"] == "" {
			t.Errorf("bad input %v: no error text", m["case"])
		}
	}
	for c, want := range map[string]float64{"cgi_crash": 502, "cgi_malformed": 502, "fastcgi_to_http": 504, "fastcgi_cut": 502, "uwsgi_cut": 502} {
		if bad[c] != want {
			t.Errorf("bad input %s: status %v, want %v", c, bad[c], want)
		}
	}
	if dir := filepath.Dir(h2["addr"].(string)); runtime.GOOS == "linux" {
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("the run's socket directory %s is still there (%v)", dir, err)
		}
		// gunicorn's and nginx's workers are not our children: look for
		// anything still naming the run's directory.
		deadline := time.Now().Add(3 * time.Second)
		for processesUsing(dir) > 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if n := processesUsing(dir); n > 0 {
			t.Errorf("%d processes still name %s after the run", n, dir)
		}
	}
	if after := leftovers(t); after.procs > before.procs || after.dirs > before.dirs {
		t.Errorf("after the run: %d child processes and %d socket directories of this process, before %d and %d",
			after.procs, after.dirs, before.procs, before.dirs)
	}
}

// checkUnixTCPSays holds the Unix-vs-TCP sentence to this run's numbers:
// it names a winner only when the medians are more than 10% apart, and
// its 8-client remark follows the 8-client throughput.
func checkUnixTCPSays(t *testing.T, o *demotest.Output) {
	t.Helper()
	tcp := o.Get(t, "timing.tcp").(map[string]any)
	unix := o.Get(t, "timing.unix").(map[string]any)
	var said string
	for _, e := range o.Kind("say") {
		if s, _ := e["text"].(string); strings.Contains(s, "On this machine") {
			said = s
		}
	}
	if said == "" {
		t.Fatal("no sentence comparing the Unix socket and TCP")
	}
	tp, up := tcp["p50_ms"].(float64), unix["p50_ms"].(float64)
	want := "no clear difference"
	switch {
	case up <= tp*0.9:
		want = "the Unix socket was"
	case up >= tp*1.1:
		want = "TCP was"
	}
	if !strings.Contains(said, want) {
		t.Errorf("p50 TCP %v ms, Unix %v ms, but the demo said %q (want %q)", tp, up, said, want)
	}
	t8 := tcp["at_8"].(map[string]any)["rps"].(float64)
	u8 := unix["at_8"].(map[string]any)["rps"].(float64)
	want = "about the same"
	switch {
	case u8 >= t8*1.1:
		want = "the Unix socket carried"
	case t8 >= u8*1.1:
		want = "TCP carried more"
	}
	if !strings.Contains(said, want) {
		t.Errorf("8 clients: TCP %v req/s, Unix %v req/s, but the demo said %q (want %q)", t8, u8, said, want)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// TestChinese runs the text view in Chinese: every printed line of the
// demo's own comes from r.T.
func TestChinese(t *testing.T) {
	o := demotest.Run(t, deployDemo(t), "--lang", "zh", "--requests", "20", "--slow", "20ms")
	for _, e := range o.Kind("step") {
		if title, _ := e["title"].(string); !hasHan(title) {
			t.Errorf("step %v has an English title in --lang zh: %q", e["id"], title)
		}
	}
	for _, e := range o.Kind("table") {
		if title, _ := e["title"].(string); title != "" && !hasHan(title) {
			t.Errorf("table %v has an English title in --lang zh: %q", e["id"], title)
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}
