package httptcp_test

import (
	"testing"
	"time"

	"github.com/netdemo/netdemo/demos"
	"github.com/netdemo/netdemo/internal/demo/demotest"
)

// TestRun runs the whole demo on the lab, the way a user would, and checks
// the result contract against what the run itself observed.
func TestRun(t *testing.T) {
	d := demos.Lookup("http-tcp")
	// A longer RTT than the default makes the keep-alive saving stand out
	// from any scheduling noise of a loaded machine.
	const rtt = 100 * time.Millisecond
	o := demotest.Run(t, d, "--seed", "1", "--rtt", rtt.String(), "--rounds", "3")

	for _, c := range []struct {
		path string
		want float64
	}{
		{"keepalive_connections", 1},
		{"close_connections", 5},
		{"h2_connections", 1},
		{"h2_streams", 5},
		{"h2_frames.HEADERS", 10}, // one per request, one per response
		{"h2_frames.SETTINGS", 4}, // each side's SETTINGS and its ACK
	} {
		if got := o.Num(t, c.path); got != c.want {
			t.Errorf("result %s = %v, want %v", c.path, got, c.want)
		}
	}
	if got := o.Num(t, "h2_frames.DATA"); got < 5 {
		t.Errorf("result h2_frames.DATA = %v, want at least 5 (one per response)", got)
	}
	if got, want := o.Num(t, "raw_request_bytes"), float64(len("GET / HTTP/1.1\r\nHost: server.test\r\nUser-Agent: netdemo-by-hand\r\n\r\n"+
		"GET /bytes/20000 HTTP/1.1\r\nHost: server.test\r\nConnection: close\r\n\r\n")); got != want {
		t.Errorf("raw_request_bytes = %v, want %v (the two hand-written requests)", got, want)
	}

	// The mechanism, as lower bounds no busy machine can break: the link
	// delays every packet by RTT/2, so a request on a new connection takes
	// at least 2 RTT (handshake, then request) and one on a reused
	// connection at least 1 RTT.
	r := float64(rtt.Milliseconds())
	for _, e := range o.Kind("request") {
		least := 2 * r
		if e["reused"] == true {
			least = r
		}
		if got := e["ms"].(float64); got < least-1 {
			t.Errorf("%v request %v (reused %v) took %v ms, want at least %v ms at RTT %v", e["mode"], e["n"], e["reused"], got, least, rtt)
		}
	}
	// The saving: four handshakes avoided, about 4 RTT. The floors hold
	// however loaded the machine is: five requests one after another cost
	// at least 5 × 2 RTT with Connection: close and 1 + 5 RTT with
	// keep-alive. Load only adds time, so compare the fastest round of each
	// mode and ask only that keep-alive wins: the 4 RTT it should save are
	// the slack for a busy machine.
	fastest := map[bool]float64{true: 1e18, false: 1e18}
	for _, e := range o.Kind("round") {
		ka := e["keepalive"] == true
		ms := e["ms"].(float64)
		fastest[ka] = min(fastest[ka], ms)
		if least := map[bool]float64{true: 6 * r, false: 10 * r}[ka]; ms < least-1 {
			t.Errorf("round %v (keepalive %v) took %.0f ms, want at least %.0f ms (5 sequential requests at RTT %v)", e["n"], ka, ms, least, rtt)
		}
	}
	if fastest[true] >= fastest[false] {
		t.Errorf("fastest keep-alive round %.0f ms, fastest close round %.0f ms; want keep-alive faster (it saves about 4 RTT of %v)", fastest[true], fastest[false], rtt)
	}

	// Every round agrees on the connection counts.
	rounds := o.Kind("round")
	if len(rounds) == 0 {
		t.Errorf("no round events")
	}
	for _, e := range rounds {
		if want := map[bool]float64{true: 1, false: 5}[e["keepalive"] == true]; e["handshakes"] != want {
			t.Errorf("round %v (keepalive %v): %v handshakes, want %v", e["n"], e["keepalive"], e["handshakes"], want)
		}
	}

	// The reads printed add up to the stream the framing split.
	total := 0.0
	for _, e := range o.Kind("read") {
		total += e["bytes"].(float64)
	}
	if got := measured(t, o, "raw_response_bytes"); total != got || total == 0 {
		t.Errorf("read events add up to %v bytes, raw_response_bytes = %v; want the same, non-zero", total, got)
	}
	if got := measured(t, o, "raw_responses"); got != 2 {
		t.Errorf("raw_responses = %v, want 2 (two requests were written)", got)
	}

	// Frames were listed for both connections, and HPACK shrank request 2.
	conns := map[any]int{}
	for _, e := range o.Kind("frame") {
		conns[e["conn"]]++
	}
	if conns["tls"] == 0 || conns["h2c"] == 0 {
		t.Errorf("frame events per connection = %v, want frames of both tls and h2c", conns)
	}
	first, later := measured(t, o, "h2_first_block_bytes"), measured(t, o, "h2_later_block_bytes")
	if later >= first {
		t.Errorf("header block of request 1 = %v B, later ones up to %v B; want the later ones smaller (HPACK dynamic table)", first, later)
	}
}

// TestRunChinese checks the Chinese explanation covers every step and
// placeholder of a real run.
func TestRunChinese(t *testing.T) {
	o := demotest.Run(t, demos.Lookup("http-tcp"), "--seed", "2", "--lang", "zh", "--rtt", "20ms")
	if got := o.Num(t, "keepalive_connections"); got != 1 {
		t.Errorf("keepalive_connections = %v, want 1", got)
	}
	// HTTP/2 header fields as HPACK carried them.
	demotest.CheckChinese(t, o, "Connection: close", ":scheme: https", "accept-encoding: gzip", "user-agent")
}

// measured returns the value of a {"kind":"measure"} event.
func measured(t *testing.T, o *demotest.Output, name string) float64 {
	t.Helper()
	for _, e := range o.Kind("measure") {
		if e["name"] == name {
			f, ok := e["value"].(float64)
			if !ok {
				t.Fatalf("measure %s = %v, want a number", name, e["value"])
			}
			return f
		}
	}
	t.Fatalf("no measure event %q", name)
	return 0
}
