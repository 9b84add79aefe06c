package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
)

type reply struct {
	code   int
	body   string
	header http.Header
}

func do(t *testing.T, method, url, body string, hdr map[string]string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, string(b), resp.Header}
}

var withToken = map[string]string{"X-Netdemo-Token": "test-token", "Content-Type": "application/json"}

func TestIndexListsDemosWithSecurityHeaders(t *testing.T) {
	var cleaned atomic.Int32
	_, hs := newTestServer(t, Config{}, fakeDemo(&cleaned))
	r := do(t, "GET", hs.URL+"/", "", nil)
	if r.code != 200 {
		t.Fatalf("GET / = %d", r.code)
	}
	for _, want := range []string{"假的问题", "A fake question", `data-demo="fake"`, `name="messages"`, `name="loss"`, `name="seed"`, "/static/app.js", "Watching only"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("index lacks %q", want)
		}
	}
	for _, absent := range []string{`name="pcap"`, `name="json"`, `name="keylog"`, `name="serve"`, "<script>", "style="} {
		if strings.Contains(r.body, absent) {
			t.Errorf("index has %q", absent)
		}
	}
	if got := r.header.Get("Content-Security-Policy"); got != csp || !strings.Contains(got, "script-src 'self'") {
		t.Errorf("CSP = %q", got)
	}
	if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("headers = %v", r.header)
	}
	js := do(t, "GET", hs.URL+"/static/app.js", "", nil)
	if js.code != 200 || !strings.HasPrefix(js.header.Get("Content-Type"), "text/javascript") || !strings.Contains(js.body, "EventSource") {
		t.Errorf("app.js: %d %q", js.code, js.header.Get("Content-Type"))
	}
	for _, p := range []string{"/static/nope.js", "/static/index.html", "/static/..%2fpages.go", "/nothing"} {
		if r := do(t, "GET", hs.URL+p, "", nil); r.code != 404 {
			t.Errorf("GET %s = %d, want 404", p, r.code)
		}
	}
}

func TestHostAndOriginChecks(t *testing.T) {
	var cleaned atomic.Int32
	_, hs := newTestServer(t, Config{}, fakeDemo(&cleaned))
	tests := []struct {
		hdr  map[string]string
		want int
	}{
		{map[string]string{"Host": "127.0.0.1:8808"}, 200},
		{map[string]string{"Host": "localhost:8808"}, 200},
		{map[string]string{"Host": "[::1]:8808"}, 200},
		{map[string]string{"Host": "192.168.1.20:8808"}, 200},
		{map[string]string{"Host": "attacker.example:8808"}, http.StatusMisdirectedRequest}, // DNS rebinding
		{map[string]string{"Host": "127.0.0.1.nip.io"}, http.StatusMisdirectedRequest},
		{map[string]string{"Host": "127.0.0.1:8808", "Origin": "http://attacker.example"}, http.StatusForbidden},
		{map[string]string{"Host": "127.0.0.1:8808", "Origin": "http://127.0.0.1:8808"}, 200},
		{map[string]string{"Host": "127.0.0.1:8808", "Origin": "null"}, http.StatusForbidden},
	}
	for _, tt := range tests {
		if r := do(t, "GET", hs.URL+"/", "", tt.hdr); r.code != tt.want {
			t.Errorf("GET / with %v = %d, want %d", tt.hdr, r.code, tt.want)
		}
	}
	// A cross-site POST with the right token is still refused.
	r := do(t, "POST", hs.URL+"/api/runs", `{"demo":"fake"}`, map[string]string{"X-Netdemo-Token": "test-token", "Sec-Fetch-Site": "cross-site"})
	if r.code != http.StatusForbidden {
		t.Errorf("cross-site POST = %d, want 403", r.code)
	}
}

func TestStartNeedsToken(t *testing.T) {
	var cleaned atomic.Int32
	s, hs := newTestServer(t, Config{}, fakeDemo(&cleaned))
	for _, hdr := range []map[string]string{nil, {"X-Netdemo-Token": "wrong"}, {"Cookie": tokenCookie + "=nope"}} {
		if r := do(t, "POST", hs.URL+"/api/runs", `{"demo":"fake"}`, hdr); r.code != http.StatusForbidden || !strings.Contains(r.body, "token") {
			t.Errorf("start with %v = %d %s, want 403", hdr, r.code, r.body)
		}
	}
	if n := len(s.runs.list()); n != 0 {
		t.Fatalf("%d runs started without the token", n)
	}
	// ?token= sets the cookie and sends the browser to / without it.
	r := do(t, "GET", hs.URL+"/?token=test-token", "", nil)
	if r.code != http.StatusSeeOther || r.header.Get("Location") != "/" {
		t.Fatalf("GET /?token= = %d → %q", r.code, r.header.Get("Location"))
	}
	ck := r.header.Get("Set-Cookie")
	if !strings.Contains(ck, tokenCookie+"=test-token") || !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Strict") {
		t.Fatalf("Set-Cookie = %q", ck)
	}
	if r := do(t, "GET", hs.URL+"/?token=bad", "", nil); r.code != http.StatusForbidden {
		t.Errorf("wrong ?token = %d, want 403", r.code)
	}
	r = do(t, "POST", hs.URL+"/api/runs", `{"demo":"fake"}`, map[string]string{"Cookie": tokenCookie + "=test-token"})
	if r.code != http.StatusCreated {
		t.Fatalf("start with the cookie = %d %s", r.code, r.body)
	}
	index := do(t, "GET", hs.URL+"/", "", map[string]string{"Cookie": tokenCookie + "=test-token"})
	if strings.Contains(index.body, "Watching only") {
		t.Errorf("the index says watching only to a holder of the token")
	}
}

// Bad flags get the command line's own one-line message, and 400.
func TestStartFlagsGoThroughTheCLIParser(t *testing.T) {
	var cleaned atomic.Int32
	d := fakeDemo(&cleaned)
	s, hs := newTestServer(t, Config{}, d)
	cli := func(args ...string) string {
		_, err := demo.Parse(d, args)
		if err == nil {
			t.Fatalf("demo.Parse(%v) accepted", args)
		}
		return "netdemo: " + err.Error()
	}
	tests := []struct {
		body string
		code int
		want string
	}{
		{`{"demo":"fake","flags":{"loss":"2"}}`, 400, cli("--loss", "2")},
		{`{"demo":"fake","flags":{"rtt":"fast"}}`, 400, cli("--rtt", "fast")},
		{`{"demo":"fake","flags":{"messages":"0"}}`, 400, cli("--messages", "0")},
		{`{"demo":"fake","flags":{"bogus":"1"}}`, 400, cli("--bogus=1")},
		{`{"demo":"fake","lang":"fr"}`, 400, cli("--lang", "fr")},
		{`{"demo":"fake","flags":{"pcap":"/tmp/x.pcap"}}`, 400, "not available from the web page"},
		{`{"demo":"fake","flags":{"keylog":"/tmp/keys"}}`, 400, "not available from the web page"},
		{`{"demo":"fake","flags":{"json":"true"}}`, 400, "not available from the web page"},
		{`{"demo":"fake","flags":{"pcap=/tmp/x":"1"}}`, 400, "is not a flag name"},
		{`{"demo":"nope"}`, 404, `no demo \"nope\"`},
		{`{"demo":"fake","extra":1}`, 400, "not a start request"},
		{`not json`, 400, "not a start request"},
		{`{"demo":"fake","flags":{"seed":"` + strings.Repeat("1", 300) + `"}}`, 400, "longer than"},
		{`{"demo":"fake","flags":{"x":"` + strings.Repeat("a", 20000) + `"}}`, 413, "over"},
	}
	for _, tt := range tests {
		r := do(t, "POST", hs.URL+"/api/runs", tt.body, withToken)
		var j map[string]string
		json.Unmarshal([]byte(r.body), &j)
		if r.code != tt.code || !strings.Contains(j["error"], strings.ReplaceAll(tt.want, `\"`, `"`)) {
			t.Errorf("start %.60s = %d %q, want %d %q", tt.body, r.code, j["error"], tt.code, tt.want)
		}
	}
	if n := len(s.runs.list()); n != 0 {
		t.Fatalf("%d runs started from bad requests", n)
	}
	id := startRun(t, hs.URL, `{"demo":"fake","flags":{"loss":"0.1","seed":"3","messages":"4","hold":"false"}}`)
	run := s.runs.get(id)
	if got := strings.Join(run.args, " "); got != "--lang=en --hold=false --loss=0.1 --messages=4 --seed=3" {
		t.Errorf("args = %q", got)
	}
	waitStatus(t, s, id, "done")
}

// One run per demo at a time; Cancel stops it and its cleanups run.
func TestOneRunPerDemoAndCancel(t *testing.T) {
	var cleaned atomic.Int32
	s, hs := newTestServer(t, Config{}, fakeDemo(&cleaned))
	id := startRun(t, hs.URL, `{"demo":"fake","flags":{"hold":"true"}}`)
	r := do(t, "POST", hs.URL+"/api/runs", `{"demo":"fake"}`, withToken)
	if r.code != http.StatusConflict || !strings.Contains(r.body, id) {
		t.Fatalf("second start = %d %s, want 409 naming %s", r.code, r.body, id)
	}
	if r := do(t, "POST", hs.URL+"/api/runs/"+id+"/cancel", "", nil); r.code != http.StatusForbidden {
		t.Fatalf("cancel without the token = %d, want 403", r.code)
	}
	if cleaned.Load() != 0 {
		t.Fatal("cleanups ran before the cancel")
	}
	r = do(t, "POST", hs.URL+"/api/runs/"+id+"/cancel", "", withToken)
	if r.code != 200 || !strings.Contains(r.body, "cancelled") {
		t.Fatalf("cancel = %d %s", r.code, r.body)
	}
	if cleaned.Load() != 1 {
		t.Fatalf("after Cancel the cleanups ran %d times, want 1", cleaned.Load())
	}
	fr, _, err := readStream(context.Background(), hs.URL+"/api/runs/"+id+"/events", "")
	if err != nil {
		t.Fatal(err)
	}
	if last := fr[len(fr)-1].msg; last.Status != "cancelled" {
		t.Fatalf("last frame %+v, want status cancelled", last)
	}
	// The demo is free again.
	id2 := startRun(t, hs.URL, `{"demo":"fake"}`)
	waitStatus(t, s, id2, "done")
	if r := do(t, "GET", hs.URL+"/latest/fake", "", nil); r.code != http.StatusSeeOther || r.header.Get("Location") != "/run/"+id2 {
		t.Errorf("/latest/fake = %d → %q, want the newest run %s", r.code, r.header.Get("Location"), id2)
	}
	if r := do(t, "GET", hs.URL+"/latest/nope", "", nil); r.code != http.StatusNotFound {
		t.Errorf("/latest/nope = %d", r.code)
	}
	if r := do(t, "POST", hs.URL+"/api/runs/nope/cancel", "", withToken); r.code != 404 {
		t.Errorf("cancel of no run = %d", r.code)
	}
}

// Paused runs wait before each step after the first until Continue.
func TestPauseBetweenSteps(t *testing.T) {
	var cleaned atomic.Int32
	s, hs := newTestServer(t, Config{}, fakeDemo(&cleaned))
	id := startRun(t, hs.URL, `{"demo":"fake","pause":true}`)
	run := s.runs.get(id)
	deadline := time.Now().Add(20 * time.Second)
	for !run.cast.Continue() {
		if time.Now().After(deadline) {
			t.Fatal("the run never waited")
		}
		// Until it waits, no second step may have been logged.
		frames, _, _ := run.cast.since(0)
		for _, f := range frames {
			if strings.Contains(string(f), `"kind":"step"`) && strings.Contains(string(f), `"slide":2`) {
				t.Fatal("step 2 came before Continue")
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	waitStatus(t, s, id, "done")
	if r := do(t, "POST", hs.URL+"/api/runs/"+id+"/continue", "", withToken); r.code != http.StatusConflict {
		t.Errorf("continue of a finished run = %d, want 409", r.code)
	}
	fr, _, _ := readStream(context.Background(), hs.URL+"/api/runs/"+id+"/events", "")
	var statuses []string
	for _, f := range fr {
		if f.msg.Kind == "status" {
			statuses = append(statuses, f.msg.Status)
		}
	}
	if got := strings.Join(statuses, " "); got != "running waiting running done" {
		t.Errorf("statuses = %q", got)
	}
}

// The run page and the rendered events carry what the page shows: both
// languages of the explanation, the result's JSON values, the pictures.
func TestRunRendering(t *testing.T) {
	var cleaned atomic.Int32
	s, hs := newTestServer(t, Config{}, fakeDemo(&cleaned))
	id := startRun(t, hs.URL, `{"demo":"fake","lang":"en"}`)
	waitStatus(t, s, id, "done")
	page := do(t, "GET", hs.URL+"/run/"+id, "", nil)
	if page.code != 200 || !strings.Contains(page.body, `data-run="`+id+`"`) || !strings.Contains(page.body, "假的演示") {
		t.Fatalf("run page = %d", page.code)
	}
	fr, _, _ := readStream(context.Background(), hs.URL+"/api/runs/"+id+"/events", "")
	var all strings.Builder
	byKind := map[string]message{}
	for _, f := range fr {
		all.WriteString(f.msg.HTML + f.msg.Title + "\n")
		if _, ok := byKind[f.msg.Kind]; !ok {
			byKind[f.msg.Kind] = f.msg
		}
	}
	h := all.String()
	for _, want := range []string{
		`<span data-l="en">Three frames open a connection</span><span data-l="zh" lang="zh">三次握手</span>`, // the other language's title from its README
		`<strong>connects</strong>`, `<code>Dial</code>`, // narration's inline Markdown
		`&lt;b&gt;not bold&lt;/b&gt;`, `class="say i1"`, // escaped, indented
		`<pre class="say" lang="en">  0000  45 00 00 3c</pre>`,
		`<mark class="mval" data-measure="handshake_ms">40.2</mark>`,
		`<a href="https://www.rfc-editor.org/rfc/rfc9293" rel="noopener noreferrer">RFC 9293</a>`,
		`三个帧：SYN、SYN-ACK、ACK。`, // the step's text in the other language
		`<svg class="ladder"`, `data-flags="SYN-ACK"`, `<svg class="chart"`,
		`<th class="num">latency <span class="unit">ms</span></th>`, `<td class="num">1.50</td>`,
		`The client sent <mark class="measured">3</mark> messages and <mark class="measured">1</mark> were lost`,
		`客户端发送了 <mark class="measured">3</mark> 条消息，丢了 <mark class="measured">1</mark> 条；握手用了 <mark class="measured">40.2</mark> 毫秒`,
		// A yes/no reads as the runner prints it in each language, never "true".
		`In order: <mark class="measured">yes</mark>.`, `按序：<mark class="measured">是</mark>。`,
		`data-result="tcp.retransmissions" data-json="1"`, `data-result="tcp.connect_ms" data-json="240.5"`,
	} {
		if !strings.Contains(h, want) {
			t.Errorf("rendered run lacks %s", want)
		}
	}
	if m := byKind["explain"]; !m.New || m.Anchor != "fake/saw" || m.Slide != 3 {
		t.Errorf("saw message = %+v, want a new slide 3 anchored fake/saw", m)
	}
	if m := byKind["step"]; !m.New || m.Anchor != "fake/handshake" || m.Slide != 1 {
		t.Errorf("first step message = %+v", m)
	}
}
