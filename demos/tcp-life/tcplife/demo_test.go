package tcplife_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/netdemo/netdemo/demos"
	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/demo/demotest"
)

func tcplife(t testing.TB) *demo.Demo {
	t.Helper()
	d := demos.Lookup("tcp-life")
	if d == nil {
		t.Fatal(`demos.Lookup("tcp-life") = nil, want the demo registered`)
	}
	return d
}

// TestDefaults runs the demo as a user would and checks every part of the
// result against what each experiment must have shown.
func TestDefaults(t *testing.T) {
	o := demotest.Run(t, tcplife(t), "--seed", "1")

	if runtime.GOOS == "linux" {
		checkStrings(t, o.Get(t, "states.active_closer"), "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT")
		checkStrings(t, o.Get(t, "states.passive_closer"), "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK")
		if s := o.Num(t, "time_wait_s"); s < 59 || s > 61 {
			t.Errorf("time_wait_s = %v, want Linux's TCP_TIMEWAIT_LEN, 60 s, read from the timer", s)
		}
		if n := o.Num(t, "close_wait_piled"); n != 5 {
			t.Errorf("close_wait_piled = %v, want one per client: 5 (--clients default)", n)
		}
		if w, ok := o.Get(t, "reuseaddr.without").(string); !ok || !strings.Contains(w, "address already in use") {
			t.Errorf("reuseaddr.without = %v, want EADDRINUSE's text", o.Get(t, "reuseaddr.without"))
		}
		if w := o.Get(t, "reuseaddr.with"); w != "ok" {
			t.Errorf("reuseaddr.with = %v, want ok", w)
		}
		ms, _ := o.Get(t, "backlog.connect_ms").([]any)
		if len(ms) != 3 {
			t.Fatalf("backlog.connect_ms = %v, want 3 clients", ms)
		}
		for i, want := range []string{"fast", "fast", "retransmitted"} {
			v, _ := ms[i].(float64)
			if fast := v >= 0 && v < 200; fast != (want == "fast") || v > 2500 {
				t.Errorf("backlog.connect_ms[%d] = %v ms, want %s (backlog 1 holds 2; the 3rd waits ~1 s for its SYN retransmission)", i, v, want)
			}
		}
		if on, off := o.Num(t, "nagle.nagle_ms_p50"), o.Num(t, "nagle.nodelay_ms_p50"); on < 20 || on < 5*off {
			t.Errorf("nagle p50 %v ms, nodelay p50 %v ms: want Nagle's stall behind Linux's delayed ACK (≥ 20 ms, ≥ 5× nodelay)", on, off)
		}
	}

	// The lab parts run everywhere.
	if n := o.Num(t, "syn_flood.spoofed_syns"); n != 64 {
		t.Errorf("syn_flood.spoofed_syns = %v, want --flood's default 64", n)
	}
	if n := o.Num(t, "syn_flood.synacks_to_void"); n != 64 {
		t.Errorf("syn_flood.synacks_to_void = %v, want one SYN-ACK per spoofed SYN", n)
	}
	if n := o.Num(t, "syn_flood.half_open"); n != 7 {
		t.Errorf("syn_flood.half_open = %v, want backlog-1 = 7 half-open before cookies take over", n)
	}
	// The tap tells kept SYN-ACKs (window scale echoed) from cookies (none).
	// The text view wraps at 80 columns: compare with the lines joined.
	flat := strings.Join(strings.Fields(o.Text), " ")
	for _, want := range []string{
		"the first 7 SYNs to reach the server got a half-open connection each",
		"gVisor does not encode window scaling and SACK in the cookie's 32 bits",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the SYN flood's narration lacks %q", want)
		}
	}
	if o.Get(t, "syn_flood.syn_cookies_used") != true {
		t.Errorf("syn_flood.syn_cookies_used = %v, want true: the real client's ACK carried a valid cookie", o.Get(t, "syn_flood.syn_cookies_used"))
	}
	if c := o.Num(t, "syn_flood.real_client_connect_ms"); c < 19 || c > 1000 {
		t.Errorf("syn_flood.real_client_connect_ms = %v, want about one 20 ms RTT", c)
	}
	if o.Get(t, "zero_window.seen") != true {
		t.Errorf("zero_window.seen = %v, want true", o.Get(t, "zero_window.seen"))
	}
	if p := o.Num(t, "zero_window.probes"); p < 1 {
		t.Errorf("zero_window.probes = %v, want at least one during a 500 ms stall", p)
	}
	if s := o.Num(t, "zero_window.stall_ms"); s < 100 || s > 1000 {
		t.Errorf("zero_window.stall_ms = %v, want most of the reader's 500 ms pause", s)
	}
	reno, cubic := o.Num(t, "congestion.reno.cut_after_loss"), o.Num(t, "congestion.cubic.cut_after_loss")
	clean := o.Num(t, "congestion.reno.resent") == 1 && o.Num(t, "congestion.cubic.resent") == 1
	if !clean {
		t.Logf("congestion: spurious retransmissions on a busy machine (resent reno %v, cubic %v): the curves are not compared", o.Num(t, "congestion.reno.resent"), o.Num(t, "congestion.cubic.resent"))
	}
	if reno <= 0 || cubic <= 0 || clean && !raceOn && cubic <= reno {
		t.Errorf("cut_after_loss reno %v, cubic %v: want both measured and CUBIC's cut milder (β 0.7 vs 0.5)", reno, cubic)
	}
	for _, alg := range []string{"reno", "cubic"} {
		f, _ := o.Get(t, "congestion."+alg+".flight_per_rtt").([]any)
		if len(f) < 6 {
			t.Fatalf("congestion.%s.flight_per_rtt = %v, want a dozen rounds", alg, f)
		}
		a, b := f[1].(float64), f[2].(float64)
		if k := b / a; clean && !raceOn && (k < 1.7 || k > 2.3) {
			t.Errorf("congestion.%s: round 3 / round 2 = %v / %v = %.2f, want slow start's doubling", alg, b, a, k)
		}
	}
}

// TestChinese runs the demo in Chinese: every line fits 80 columns and the
// explanation's placeholders are filled (demotest checks both).
func TestChinese(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole demo a second time")
	}
	o := demotest.Run(t, tcplife(t), "--lang", "zh", "--flood", "20", "--exchanges", "3", "--clients", "2")
	if n := o.Num(t, "syn_flood.spoofed_syns"); n != 20 {
		t.Errorf("syn_flood.spoofed_syns = %v, want --flood 20", n)
	}
	if !strings.Contains(o.Text, "你刚才看到了什么") {
		t.Errorf("the Chinese run has no 你刚才看到了什么 section")
	}
}

func checkStrings(t *testing.T, got any, want ...string) {
	t.Helper()
	l, _ := got.([]any)
	if fmt.Sprint(l) != fmt.Sprint(toAny(want)) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}
