package quicdemo

import (
	"context"
	"fmt"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/lab"
)

// Demo is registered in package demos.
var Demo = &demo.Demo{
	Name:     "quic",
	Question: demo.Question{Zh: "http和tcp的关系（HTTP/3 为什么用 UDP）", En: "Why does HTTP/3 run over QUIC and UDP?"},
	Summary:  demo.Text{En: "HTTP/3 over QUIC over UDP: handshake race, head-of-line blocking, 0-RTT", Zh: "基于 QUIC/UDP 的 HTTP/3：握手竞速、队头阻塞、0-RTT"},
	Port:     8444,
	// 100 ms makes every round trip of the handshake race visible and
	// dominant: the numbers read as multiples of the RTT. No loss, so that
	// the race shows the handshakes alone (the head-of-line experiment has
	// its own --hol-loss).
	Link:   lab.Link{RTT: 100 * time.Millisecond},
	Params: defaultOptions,
	Run:    run,
	Serve:  serve,
}

// result is the contract of the last JSON line.
type result struct {
	TTFB        ttfbResult `json:"ttfb_ms"`
	RTTms       float64    `json:"rtt_ms"`
	HOL         holResult  `json:"hol"`
	ZeroRTTUsed bool       `json:"zero_rtt_used"`
}

// ttfbResult is the best time to the first response byte of each
// contestant of the handshake race, in milliseconds.
type ttfbResult struct {
	HTTP1      float64 `json:"http1"`
	HTTPSTLS12 float64 `json:"https_tls12"`
	HTTPSTLS13 float64 `json:"https_tls13"`
	HTTP3      float64 `json:"http3"`
	HTTP30RTT  float64 `json:"http3_0rtt"`
}

// holResult is the head-of-line experiment at the run's own --seed.
type holResult struct {
	Loss    float64 `json:"loss"`
	H2P50ms float64 `json:"h2_p50_ms"`
	H2Maxms float64 `json:"h2_max_ms"`
	H3P50ms float64 `json:"h3_p50_ms"`
	H3Maxms float64 `json:"h3_max_ms"`
	// FirstRTTBytes is what each server sent in its first round trip of
	// the downloads: about its initial congestion window.
	FirstRTTBytes firstRTT `json:"first_rtt_bytes"`
}

// firstRTT is holResult.FirstRTTBytes by protocol.
type firstRTT struct {
	H2 int `json:"h2"`
	H3 int `json:"h3"`
}

func run(ctx context.Context, r *demo.Run) error {
	o := demo.ParamsOf[*options](r)
	l, err := r.NewLab()
	if err != nil {
		return err
	}
	b := labBed(l)
	srv, err := startServers(ctx, b)
	if err != nil {
		return err
	}
	r.OnClose(srv.Close)
	res := result{RTTms: ms(r.Link.RTT)}

	// The head-of-line trials run on labs of their own: start them now, so
	// that they overlap the steps before theirs, and show them in turn.
	type holDone struct {
		trials []holTrial
		err    error
	}
	holc := make(chan holDone, 1)
	go func() {
		t, err := runHOLSeeds(ctx, r, o)
		holc <- holDone{t, err}
	}()
	// So do the two replays, each on a lab and servers of its own (the
	// handlers count their executions).
	unsafec, safec := replayOnOwnLab(ctx, r, "/charge"), replayOnOwnLab(ctx, r, "/charge-safe")

	r.Step("layers", r.T("One GET over HTTP/3: QUIC packets inside UDP datagrams", "HTTP/3 的一次 GET：UDP 数据报里的 QUIC 包"))
	if err := showLayers(ctx, r, l, b, srv); err != nil {
		return fmt.Errorf("HTTP/3 over the lab: %w", err)
	}

	r.Step("race", r.T("The handshake race: time to the first response byte", "握手竞速：到第一个响应字节的时间"))
	rows, used, err := runRace(ctx, r, o.Tries)
	if err != nil {
		return fmt.Errorf("handshake race: %w", err)
	}
	showRace(r, rows, o.Tries)
	res.TTFB = ttfbOf(rows)
	res.ZeroRTTUsed = used

	r.Step("hol", r.T("Head-of-line blocking: parallel streams on a lossy link", "队头阻塞：丢包链路上的并行流"))
	hd := <-holc
	if hd.err != nil {
		return fmt.Errorf("head-of-line experiment: %w", hd.err)
	}
	res.HOL = showHOL(r, o, hd.trials)

	r.Step("replay", r.T("0-RTT replay: the same early data, sent twice", "0-RTT 重放：同一份早期数据发送两次"))
	unsafe, safe := <-unsafec, <-safec
	if unsafe.err != nil {
		return fmt.Errorf("replaying 0-RTT: %w", unsafe.err)
	}
	if safe.err != nil {
		return fmt.Errorf("replaying 0-RTT to the RFC 8470 handler: %w", safe.err)
	}
	showReplay(r, unsafe.rep, safe.rep)

	r.Result(res)
	return nil
}

func ttfbOf(rows []raceRow) ttfbResult {
	var t ttfbResult
	for _, row := range rows {
		v := ms(row.Best)
		switch row.Key {
		case "http1":
			t.HTTP1 = v
		case "https_tls12":
			t.HTTPSTLS12 = v
		case "https_tls13":
			t.HTTPSTLS13 = v
		case "http3":
			t.HTTP3 = v
		case "http3_0rtt":
			t.HTTP30RTT = v
		}
	}
	return t
}

// replayDone is a replay experiment's outcome.
type replayDone struct {
	rep *replayed
	err error
}

// replayOnOwnLab runs replayZeroRTT for path on a new lab with its own
// servers, in the background.
func replayOnOwnLab(ctx context.Context, r *demo.Run, path string) <-chan replayDone {
	c := make(chan replayDone, 1)
	go func() {
		l, err := r.NewLabWith(r.Link, r.Seed)
		if err != nil {
			c <- replayDone{err: err}
			return
		}
		defer l.Close()
		b := labBed(l)
		srv, err := startServers(ctx, b)
		if err != nil {
			c <- replayDone{err: err}
			return
		}
		defer srv.Close()
		rep, err := replayZeroRTT(ctx, l, b, srv, path)
		c <- replayDone{rep, err}
	}()
	return c
}
