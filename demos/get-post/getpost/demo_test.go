package getpost_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/netdemo/netdemo/demos"
	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/demo/demotest"
)

func getPost(t *testing.T) *demo.Demo {
	t.Helper()
	d := demos.Lookup("get-post")
	if d == nil {
		t.Fatal(`demos.Lookup("get-post") = nil`)
	}
	return d
}

// TestRun runs the whole demo and checks every result field against what
// HTTP semantics and Go's Transport make of it. The client timeout is
// generous so that a retry on a loaded machine is never mistaken for a
// lost response (which would make a third order).
func TestRun(t *testing.T) {
	o := demotest.Run(t, getPost(t), "--seed", "1", "--client-timeout", "2500ms")
	want := map[string]any{
		"get_repeat_changed_state": false,
		"post_repeat_orders":       2.0,
		"put_repeat_orders":        1.0,
		"delete_second_status":     404.0,
		"patch_repeat_changed":     true,
		"etag_status":              304.0,
		"retry_without_key_orders": 2.0,
		"retry_with_key_orders":    1.0,
		"key_replayed":             true,
		"key_conflict_status":      409.0,
		"key_mismatch_status":      422.0,
		"go_transport_retried": map[string]any{
			"GET": true, "HEAD": true, "PUT": false, "DELETE": false, "POST": false, "POST_with_key": true,
		},
		// The server child killed between its commit and its answer: the
		// key in the order's transaction is replayed, a key in memory is
		// gone and the retry makes a second order.
		"crash_retry": map[string]any{"keys_in_transaction_orders": 1.0, "keys_in_memory_orders": 2.0},
	}
	for k, v := range want {
		if got := o.Get(t, k); !reflect.DeepEqual(got, v) {
			t.Errorf("result %s = %v, want %v", k, got, v)
		}
	}
	if len(o.Result) != len(want)+3 { // + kind, demo, seq
		t.Errorf("result has %d fields %v, want exactly %d", len(o.Result), o.Result, len(want)+3)
	}
	steps := []string{"safe", "post", "put", "delete", "patch", "wire", "cache", "bad-input", "slowloris",
		"lost-get", "lost-post", "idempotency-key", "key-conflict", "crash-retry", "go-retry"}
	if !reflect.DeepEqual(o.Report.Steps, steps) {
		t.Errorf("steps = %v, want %v", o.Report.Steps, steps)
	}
	if n := len(o.Kind("transport_retry")); n != 6 {
		t.Errorf("transport_retry events = %d, want 6", n)
	}
	measured := map[string]float64{}
	for _, e := range o.Kind("measure") {
		if f, ok := e["value"].(float64); ok {
			measured[e["name"].(string)] = f
		}
	}
	// The client gave up after its timeout (a lower bound only: a loaded
	// machine may take longer, never shorter).
	if got := measured["lost_get_timeout_ms"]; got < 2500 {
		t.Errorf("lost_get_timeout_ms = %v, want at least the 2500 ms client timeout", got)
	}
	if got := measured["slowloris_bytes_received"]; got != 0 {
		t.Errorf("slowloris client received %v bytes, want 0 (closed without a response)", got)
	}
	if got := measured["post_body_bytes"]; got != float64(len(`{"item":"book","qty":3}`)) {
		t.Errorf("post_body_bytes = %v, want the JSON body's length", got)
	}
}

// TestRunChinese runs in Chinese on a faster link: every placeholder of
// the Chinese explanation must be filled too.
func TestRunChinese(t *testing.T) {
	o := demotest.Run(t, getPost(t), "--lang", "zh", "--rtt", "10ms", "--client-timeout", "2s")
	if got := o.Num(t, "retry_without_key_orders"); got != 2 {
		t.Errorf("retry_without_key_orders = %v, want 2", got)
	}
}

func TestBadFlag(t *testing.T) {
	_, err := demo.Execute(t.Context(), getPost(t), []string{"--client-timeout", "soon"}, demo.IO{Out: new(discard), Err: new(discard)})
	var ue *demo.UsageError
	if !errors.As(err, &ue) || !strings.Contains(ue.Msg, "client-timeout") {
		t.Fatalf("--client-timeout soon: error %v, want a usage error naming --client-timeout", err)
	}
}

type discard struct{}

func (*discard) Write(b []byte) (int, error) { return len(b), nil }

// TestRunLossyLink: a lossy link is an outcome to report, never a failed
// run. The demo finishes, ends with its result, and says per lab request
// how many tries the loss cost.
func TestRunLossyLink(t *testing.T) {
	var out, errb strings.Builder
	_, err := demo.Execute(t.Context(), getPost(t), []string{"--json", "--loss", "0.3", "--seed", "2"}, demo.IO{Out: &out, Err: &errb})
	if err != nil {
		t.Fatalf("--loss 0.3: %v (stderr %s)", err, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var last map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last["kind"] != "result" {
		t.Fatalf("last line %q (%v), want the result", lines[len(lines)-1], err)
	}
	exchanges, lost := 0, 0.0
	for _, l := range lines {
		var e map[string]any
		if json.Unmarshal([]byte(l), &e) == nil && e["kind"] == "lab_exchange" {
			exchanges++
			lost += e["link_lost_frames"].(float64)
		}
	}
	if exchanges < 5 || lost == 0 {
		t.Errorf("%d lab_exchange events with %v frames lost by the link; want every lab request reported, and a 30%% link to lose some", exchanges, lost)
	}
}
