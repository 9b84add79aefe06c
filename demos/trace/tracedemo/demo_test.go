package tracedemo_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/pcapgo"

	"github.com/netdemo/netdemo/demos/trace/tracedemo"
	"github.com/netdemo/netdemo/demos/trace/tracedemo/live"
	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/demo/demotest"
)

// The demo's own flags live in package-level hand-over state (see
// flags.go), so these tests do not run in parallel.

// packets returns the "packet" events of a run.
func packets(o *demotest.Output) []map[string]any { return o.Kind("packet") }

// flagsOf reads the flags of a packet event ("SYN", "SYN,ACK", ...).
func flagsOf(p map[string]any) string { s, _ := p["flags"].(string); return s }

// TestDefaultExchange pins what the clean lab exchange produces: one TCP
// connection opened and closed once, two UDP datagrams, nothing lost or
// reset, and every packet reported as an event with the contract's fields.
//
// The same run writes --pcapng, read back with gopacket's reader: one
// packet per event, each with its note as a comment.
func TestDefaultExchange(t *testing.T) {
	pcapng := t.TempDir() + "/trace.pcapng"
	o := demotest.Run(t, traceDemo(t), "--seed", "1", "--pcapng", pcapng)
	checkPostPackets(t, o, "seed 1")
	checkSawFollowsRun(t, o, 0)
	checkPcapng(t, pcapng, packets(o))
	want := map[string]float64{
		"flows": 2, "handshakes": 1, "teardowns": 1, "resets": 0,
		"retransmissions": 0, "dup_acks": 0, "out_of_order": 0, "udp_datagrams": 2,
	}
	for k, v := range want {
		if got := o.Num(t, k); got != v {
			t.Errorf("result %s = %v, want %v", k, got, v)
		}
	}
	// The same result shape as `netdemo trace read --json`: the counts at
	// the top level, the flows as a list under flow_list.
	if list, _ := o.Get(t, "flow_list").([]any); len(list) != 2 {
		t.Errorf("result flow_list = %v, want the 2 flows", o.Get(t, "flow_list"))
	}
	pk := packets(o)
	if n := o.Num(t, "packets"); n < 13 || int(n) != len(pk) {
		t.Errorf("result packets = %v with %d packet events, want the same number and at least 13 (3 handshake, 4 HTTP, 4 teardown, 2 UDP)", n, len(pk))
	}
	for i, p := range pk {
		for _, f := range []string{"number", "time", "src", "dst", "protocol", "flags", "seq", "ack", "len", "labels", "note"} {
			if _, ok := p[f]; !ok {
				t.Fatalf("packet event %d has no %q: %v", i+1, f, p)
			}
		}
	}
	if len(pk) >= 3 {
		got := []string{flagsOf(pk[0]), flagsOf(pk[1]), flagsOf(pk[2])}
		if !strings.Contains(got[0], "SYN") || strings.Contains(got[0], "ACK") || !strings.Contains(got[1], "SYN") || !strings.Contains(got[1], "ACK") || got[2] != "ACK" {
			t.Errorf("first three packets have flags %q, want SYN, SYN+ACK, ACK", got)
		}
	}
	var requests []string
	for _, p := range pk {
		if p["protocol"] == "HTTP" && strings.HasPrefix(p["note"].(string), "HTTP request") {
			requests = append(requests, p["note"].(string))
		}
		if !strings.HasPrefix(p["src"].(string), "192.0.2.") {
			t.Errorf("packet %v from %v: want the lab's addresses 192.0.2.x", p["number"], p["src"])
		}
	}
	if len(requests) != 2 {
		t.Errorf("HTTP requests seen: %q, want the GET and the POST", requests)
	}
	if !slices.Equal(o.Report.Steps, []string{"exchange", "packets", "flows", "ladder", "post", "files"}) {
		t.Errorf("steps = %v", o.Report.Steps)
	}
}

// checkPostPackets checks the "POST sends two packets" measurement. Every
// test run makes it (on its own seed), so its stability across seeds is
// checked too: Go's client sends a GET and a small POST in one segment each
// (it writes headers and body in one flush), and 2 MiB at an MSS near 1460
// takes well over a thousand segments either way.
func checkPostPackets(t *testing.T, o *demotest.Output, run string) {
	t.Helper()
	if got := o.Num(t, "post_packets.get"); got != 1 {
		t.Errorf("%s: post_packets.get = %v, want 1", run, got)
	}
	if got := o.Num(t, "post_packets.post_small"); got != 1 {
		t.Errorf("%s: post_packets.post_small = %v, want 1 (Go's client flushes headers and a small body together)", run, got)
	}
	for _, k := range []string{"post_packets.post_large_expect", "post_packets.post_large_no_expect"} {
		if got := o.Num(t, k); got < 1000 || got > 3000 {
			t.Errorf("%s: %s = %v, want 1000..3000 for 2 MiB at MTU 1500", run, k, got)
		}
	}
	// The Expect case waited for 100 Continue: one RTT between headers and
	// body. Only a lower bound: a loaded machine may stretch it, never
	// shrink it below the link's delay.
	found := false
	for _, m := range o.Kind("measure") {
		if m["name"] == "post_expect_wait_ms" {
			found = true
			if v := m["value"].(float64); v < 15 {
				t.Errorf("%s: body waited %v ms after the headers with Expect, want about one RTT (20 ms)", run, v)
			}
		}
	}
	if !found {
		t.Errorf("%s: no post_expect_wait_ms measure", run)
	}
}

// TestLossShowsRetransmissions: on a lossy link the trace labels the
// repairs. The seed is pinned; the lab's fates depend on it alone. When
// tshark is installed, it must count the capture the same way.
func TestLossShowsRetransmissions(t *testing.T) {
	pcap := t.TempDir() + "/lossy.pcap"
	o := demotest.Run(t, traceDemo(t), "--seed", lossSeed, "--loss", "0.1", "--pcap", pcap)
	checkPostPackets(t, o, "--loss 0.1 --seed "+lossSeed)
	checkSawFollowsRun(t, o, 0.1)
	t.Run("tshark", func(t *testing.T) { tsharkAgrees(t, o, pcap) })
	if got := o.Num(t, "retransmissions"); got == 0 {
		t.Fatalf("--loss 0.1 --seed %s: retransmissions = 0, want > 0", lossSeed)
	}
	labelled := 0
	for _, p := range packets(o) {
		for _, l := range p["labels"].([]any) {
			if strings.Contains(l.(string), "Retransmission") {
				labelled++
			}
		}
	}
	if float64(labelled) != o.Num(t, "retransmissions") {
		t.Errorf("%d packets labelled as retransmissions, result says %v", labelled, o.Num(t, "retransmissions"))
	}
}

// TestTLS runs the exchange over TLS 1.3: the trace shows TLS records, and
// still one handshake, one connection and the UDP pair.
//
// With tshark installed, the key log written beside --pcap must let it read
// the HTTP requests inside.
func TestTLS(t *testing.T) {
	pcap := t.TempDir() + "/tls.pcap"
	o := demotest.Run(t, traceDemo(t), "--seed", "3", "--tls", "--pcap", pcap)
	checkPostPackets(t, o, "--tls --seed 3")
	t.Run("tshark", func(t *testing.T) { tsharkDecrypts(t, o, pcap) })
	var protos []string
	for _, p := range packets(o) {
		if s := p["protocol"].(string); !slices.Contains(protos, s) {
			protos = append(protos, s)
		}
	}
	if !slices.Contains(protos, "TLSv1.3") || slices.Contains(protos, "HTTP") {
		t.Errorf("protocols %v: want TLSv1.3 and no plain HTTP", protos)
	}
	if got := o.Num(t, "handshakes"); got != 1 {
		t.Errorf("handshakes = %v, want 1", got)
	}
	if got := o.Num(t, "udp_datagrams"); got != 2 {
		t.Errorf("udp_datagrams = %v, want 2", got)
	}
}

// checkPcapng reads the --pcapng file with gopacket's reader and checks
// it against the packet events.
func checkPcapng(t *testing.T, path string, pk []map[string]any) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewNgReader(f, pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatalf("pcapgo cannot open %s: %v", path, err)
	}
	commented := 0
	for i := 0; ; i++ {
		_, _, opts, err := r.ReadPacketDataWithOptions()
		if err != nil {
			if i != len(pk) {
				t.Errorf("pcapng holds %d packets (stopped by %v), the run reported %d", i, err, len(pk))
			}
			break
		}
		if i >= len(pk) {
			continue
		}
		if len(opts.Comments) > 0 {
			commented++
		}
		if note := pk[i]["note"].(string); note != "" && !slices.Contains(opts.Comments, note) {
			t.Errorf("packet %d: comments %q, want the note %q", i+1, opts.Comments, note)
		}
	}
	if commented == 0 {
		t.Errorf("no packet of %s has a comment", path)
	}
}

// TestMermaidAndLadder runs in text mode: the ladder and, with --mermaid,
// a sequenceDiagram with one message per packet.
func TestMermaidAndLadder(t *testing.T) {
	var out, errb bytes.Buffer
	rep, err := demo.Execute(context.Background(), traceDemo(t), []string{"--seed", "1", "--mermaid", "--no-color"}, demo.IO{Out: &out, Err: &errb})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, errb.String())
	}
	s := out.String()
	i := strings.Index(s, "sequenceDiagram")
	if i < 0 {
		t.Fatalf("no sequenceDiagram in the output:\n%s", s)
	}
	n := int(rep.Result["packets"].(float64))
	msgs := strings.Count(s[i:], "->>")
	if msgs != n {
		t.Errorf("mermaid has %d messages, want one per packet (%d)", msgs, n)
	}
	if !strings.Contains(s, "|-- SYN") {
		t.Errorf("no ladder arrow for the SYN in:\n%s", s)
	}
}

// TestLiveFallsBack simulates a raw socket that cannot be opened — no
// privilege (EPERM), or not Linux — through the injectable opener: one line
// says what is missing (and for the privilege, how to grant it), and the
// lab runs instead.
func TestLiveFallsBack(t *testing.T) {
	for _, c := range []struct {
		desc string
		err  error
		want []string // in the one line
	}{
		{"no CAP_NET_RAW", fmt.Errorf("%w (operation not permitted)", live.ErrPermission), []string{"CAP_NET_RAW", "setcap cap_net_raw+ep", "root", "lab"}},
		{"not Linux", live.ErrUnsupported, []string{"Linux only", "lab"}},
	} {
		t.Run(c.desc, func(t *testing.T) {
			restore := tracedemo.SetLiveOpener(func(live.Filter) (*live.Capture, error) { return nil, c.err })
			defer restore()
			o := demotest.Run(t, traceDemo(t), "--seed", "1", "--live")
			var lines []string
			for _, e := range o.Kind("say") {
				if s := e["text"].(string); strings.HasPrefix(s, "--live:") {
					lines = append(lines, s)
				}
			}
			if len(lines) != 1 || strings.Contains(lines[0], "\n") {
				t.Fatalf("lines about --live: %q, want exactly one", lines)
			}
			for _, w := range c.want {
				if !strings.Contains(lines[0], w) {
					t.Errorf("the line %q does not mention %q", lines[0], w)
				}
			}
			if pk := packets(o); len(pk) == 0 || !strings.HasPrefix(pk[0]["src"].(string), "192.0.2.") {
				t.Errorf("after the fallback, want the lab's packets (192.0.2.x), got %d packets", len(pk))
			}
			if strings.Contains(o.Stderr, "goroutine ") {
				t.Errorf("stderr has a stack trace: %s", o.Stderr)
			}
		})
	}
}

// TestLive captures the exchange on the real loopback (root on Linux only):
// every packet appears once — the raw socket's outgoing copies are dropped.
func TestLive(t *testing.T) {
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("live capture needs Linux and CAP_NET_RAW (run the tests as root)")
	}
	pcap := t.TempDir() + "/live.pcap"
	o := demotest.Run(t, traceDemo(t), "--seed", "1", "--live", "--pcap", pcap)
	pk := packets(o)
	if len(pk) == 0 || !strings.HasPrefix(pk[0]["src"].(string), "127.0.0.1:") {
		t.Fatalf("want packets captured on 127.0.0.1, got %d, first %v", len(pk), pk)
	}
	seen := map[string]any{}
	for _, p := range pk {
		key := fmt.Sprint(p["src"], p["dst"], p["flags"], p["seq"], p["ack"], p["len"], p["protocol"])
		if p["protocol"] == "UDP" {
			continue // the UDP retry loop may legitimately repeat a datagram
		}
		if prev, dup := seen[key]; dup {
			t.Errorf("packet %v repeats packet %v (%s): a loopback packet was shown twice", p["number"], prev, key)
		}
		seen[key] = p["number"]
	}
	if got := o.Num(t, "handshakes"); got != 1 {
		t.Errorf("handshakes = %v, want 1", got)
	}
	if got := o.Num(t, "udp_datagrams"); got != 2 {
		t.Errorf("udp_datagrams = %v, want 2", got)
	}
	// tcpdump's count for the same exchange is what tshark reads back from
	// the pcap the demo wrote; it must equal the demo's.
	t.Run("tshark", func(t *testing.T) {
		if got, want := len(tshark(t, "-r", pcap)), int(o.Num(t, "packets")); got != want {
			t.Errorf("tshark reads %d packets from the live pcap, the demo showed %d", got, want)
		}
	})
}

// TestInterrupted cancels the run early (Ctrl-C): it must return the
// context's error instead of finishing or hanging.
func TestInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	w := &cancelOnWrite{w: &out, after: "packet", cancel: cancel}
	_, err := demo.Execute(ctx, traceDemo(t), []string{"--seed", "1", "--json"}, demo.IO{Out: w, Err: &out})
	if err == nil {
		t.Fatalf("a run cancelled at its first packet event finished without error:\n%s", out.String())
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// cancelOnWrite cancels a context once the output contains a given kind
// of event.
type cancelOnWrite struct {
	w      *bytes.Buffer
	after  string
	cancel func()
}

func (c *cancelOnWrite) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(`"kind":"`+c.after+`"`)) {
		c.cancel()
	}
	return c.w.Write(p)
}

// TestChinese runs the default exchange in Chinese and checks the run is
// Chinese throughout.
func TestChinese(t *testing.T) {
	o := demotest.Run(t, traceDemo(t), "--lang", "zh", "--seed", "1")
	demotest.CheckChinese(t, o)
}

// checkSawFollowsRun checks the sentences of "what you just saw" that
// depend on the run: the re-run suggestion names --loss 0.05 only when the
// link had no loss, and the 2 MiB comparison calls Expect "not slower"
// exactly when its send time was not longer.
func checkSawFollowsRun(t *testing.T, o *demotest.Output, loss float64) {
	t.Helper()
	saw := o.Kind("explain")
	if len(saw) != 1 {
		t.Fatalf("explain events = %d, want 1", len(saw))
	}
	text := saw[0]["text"].(string)
	if suggests := strings.Contains(text, "--loss 0.05"); suggests != (loss == 0) {
		t.Errorf("--loss %g: the explanation suggests --loss 0.05: %v, want %v", loss, suggests, loss == 0)
	}
	var expect, noExpect float64
	for _, m := range o.Kind("measure") {
		switch m["name"] {
		case "post_send_expect_ms":
			expect = m["value"].(float64)
		case "post_send_no_expect_ms":
			noExpect = m["value"].(float64)
		}
	}
	tie := expect-noExpect < 0.1 && noExpect-expect < 0.1 // equal at the measures' 0.1 ms rounding
	if notSlower := strings.Contains(text, "Expect was not slower"); !tie && notSlower != (expect <= noExpect) {
		t.Errorf("send times %v ms with Expect, %v ms without: the explanation says Expect was not slower: %v", expect, noExpect, notSlower)
	}
}
