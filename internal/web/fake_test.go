package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
)

// The fake demo is a demo in the shape of the real ones (steps, narration,
// measurements, a table, frames, a chart, a result) without sockets, so
// that the web view is tested on every kind of event.

const fakeEN = `# Fake demo

<!-- section: question -->
## The question

> 假的问题

<!-- section: short -->
## Short answer

A **short** answer with ` + "`code`" + `.

<!-- section: deep -->
## Deeper

### 1. The handshake
<!-- step: handshake -->

Three frames: SYN, SYN-ACK, ACK ([RFC 9293](https://www.rfc-editor.org/rfc/rfc9293)).

### 2. Loss
<!-- step: loss -->

- one frame is **dropped**
- and sent again

<!-- section: saw -->
## What you just saw

The client sent {{sent}} messages and {{lost}} were lost; the handshake took {{handshake_ms}} ms. In order: {{in_order}}.

<!-- section: wrong -->
## Wrong answers

w

<!-- section: followup -->
## Follow-ups

f

<!-- section: refs -->
## References

RFC 9293.
`

const fakeZH = `# 假的演示

<!-- section: question -->
## 面试题

> 假的问题

<!-- section: short -->
## 简短回答

一个**简短**的回答。

<!-- section: deep -->
## 深入

### 1. 三次握手
<!-- step: handshake -->

三个帧：SYN、SYN-ACK、ACK。

### 2. 丢包
<!-- step: loss -->

- 有一帧被**丢弃**
- 然后重传

<!-- section: saw -->
## 你刚才看到的

客户端发送了 {{sent}} 条消息，丢了 {{lost}} 条；握手用了 {{handshake_ms}} 毫秒。按序：{{in_order}}。

<!-- section: wrong -->
## 错误回答

w

<!-- section: followup -->
## 追问

f

<!-- section: refs -->
## 参考

RFC 9293。
`

type fakeResult struct {
	Sent    int  `json:"sent"`
	Lost    int  `json:"lost"`
	InOrder bool `json:"in_order"`
	TCP     struct {
		Retransmissions int     `json:"retransmissions"`
		ConnectMs       float64 `json:"connect_ms"`
	} `json:"tcp"`
}

type fakeParams struct {
	Messages int           `flag:"messages" help:"how many messages" min:"1" max:"100000"`
	Gap      time.Duration `flag:"gap" help:"between narration lines" max:"1s"`
	Hold     bool          `flag:"hold" help:"wait for cancel after the first step"`
	Big      int           `flag:"big" help:"bytes per narration line" max:"100000"`
	Keylog   string        `flag:"keylog" help:"write secrets to this file"`
}

// fakeDemo returns a fresh fake demo; cleaned counts its cleanups.
func fakeDemo(cleaned *atomic.Int32) *demo.Demo {
	return &demo.Demo{
		Name:     "fake",
		Question: demo.Question{Zh: "假的问题", En: "A fake question"},
		Summary:  demo.Text{En: "every kind of event", Zh: "每种事件"},
		Docs:     fstest.MapFS{"README.md": {Data: []byte(fakeEN)}, "README.zh.md": {Data: []byte(fakeZH)}},
		Params:   func() any { return &fakeParams{Messages: 3} },
		Run: func(ctx context.Context, r *demo.Run) error {
			p := demo.ParamsOf[*fakeParams](r)
			r.OnClose(func() { cleaned.Add(1) })
			r.Step("handshake", r.T("Three frames open a connection", "三个帧建立连接"))
			r.Printf("%s", r.T("The client **connects** with `Dial`.", "客户端用 `Dial` **连接**。"))
			r.Printf("  %s", r.T("indented <b>not bold</b>", "缩进 <b>不是粗体</b>"))
			r.Pre("  0000  45 00 00 3c")
			r.Measure("handshake_ms", 40.25, "ms")
			f := event.NewFrames("handshake", r.T("The handshake on the lab link", "实验链路上的握手"), "client", "server")
			f.Frames = append(f.Frames,
				event.Frame{N: 1, TMs: 0, From: "client", To: "server", Proto: "TCP", Flags: "SYN", Len: 60, Fate: "dropped"},
				event.Frame{N: 2, TMs: 200, From: "client", To: "server", Proto: "TCP", Flags: "SYN", Len: 60, Fate: "delivered", Retransmission: true},
				event.Frame{N: 3, TMs: 220, From: "server", To: "client", Proto: "TCP", Flags: "SYN ACK", Len: 60, Fate: "delivered"},
				event.Frame{N: 4, TMs: 240, From: "client", To: "server", Proto: "TCP", Flags: "ACK", Len: 52, Fate: "delivered"},
				event.Frame{N: 5, TMs: 241, From: "client", To: "server", Proto: "TCP", Flags: "ACK PSH", Len: 57, Payload: 5, Fate: "delivered"},
			)
			r.Frames(f)
			if p.Hold {
				<-ctx.Done()
				return ctx.Err()
			}
			r.Step("loss", r.T("Loss", "丢包"))
			for i := 0; i < p.Messages; i++ {
				line := fmt.Sprintf("message %d", i)
				if p.Big > 0 {
					line += " " + strings.Repeat("x", p.Big)
				}
				r.Printf("%s", line)
				if p.Gap > 0 {
					select {
					case <-time.After(p.Gap):
					case <-ctx.Done():
						return ctx.Err()
					}
				}
			}
			r.Table(event.NewTable("delivery", "protocol", "sent", "lost", "latency|ms").Row("TCP", p.Messages, 0, 1.5).Row("UDP", p.Messages, 1, nil).Titled(r.T("Delivery", "投递")))
			r.Chart(event.NewChart("latency", r.T("Latency per message", "每条消息的延迟"), event.Axis{Label: "message"}, event.Axis{Label: "latency", Unit: "ms"}).
				Add("tcp", event.Point{X: 1, Y: 20}, event.Point{X: 2, Y: 240}, event.Point{X: 3, Y: 21}).
				Add("udp", event.Point{X: 1, Y: 20}, event.Point{X: 3, Y: 20}))
			r.Event("packet", map[string]any{"n": 1})
			var res fakeResult
			res.Sent, res.Lost, res.InOrder = p.Messages, 1, true
			res.TCP.Retransmissions, res.TCP.ConnectMs = 1, 240.5
			r.Result(res)
			return nil
		},
	}
}

// newTestServer serves the fake demo (and any others) on loopback.
func newTestServer(t *testing.T, cfg Config, ds ...*demo.Demo) (*Server, *httptest.Server) {
	t.Helper()
	cfg.Demos = append(cfg.Demos, ds...)
	cfg.Token = "test-token"
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		s.Close()
		hs.Close()
	})
	return s, hs
}

// startRun starts a run through the API with the token and returns its id.
func startRun(t *testing.T, base, body string) string {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/api/runs", strings.NewReader(body))
	req.Header.Set("X-Netdemo-Token", "test-token")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	n, _ := resp.Body.Read(buf)
	b.Write(buf[:n])
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("starting %s: %s %s", body, resp.Status, b.String())
	}
	s := b.String()
	i := strings.Index(s, `"id":"`)
	if i < 0 {
		t.Fatalf("start reply %s has no id", s)
	}
	s = s[i+6:]
	return s[:strings.IndexByte(s, '"')]
}
