package quicdemo

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
)

// This file turns observations into output. Where an outcome can go either
// way, the sentence is built from what the run saw.

func showRace(r *demo.Run, rows []raceRow, tries int) {
	within := 0
	for _, row := range rows {
		if row.Within {
			within++
		}
		r.Set(row.Key+"_theory_ms", ms(row.Theory))
		r.Event("race", map[string]any{
			"case": row.Key, "name": row.Name.En, "rtts": row.RTTs, "theory_ms": ms(row.Theory),
			"best_ms": ms(row.Best), "tries": row.Tries, "ratio": round3(row.Ratio), "within_10pct": row.Within,
		})
	}
	{
		t := event.NewTable("race", r.T("contestant", "参赛者"), "RTT", r.T("theory|ms", "理论|ms"), r.T("measured|ms", "实测|ms"), r.T("ratio", "比值"), r.T("verdict", "判断"), r.T("where the round trips go", "往返花在哪里"))
		for _, row := range rows {
			mark := r.T("within 10%", "误差 10% 内")
			switch {
			case row.Theory == 0:
				mark = r.T("(no RTT to compare with)", "（RTT 为 0，无从比较）")
			case !row.Within:
				mark = r.T("OFF by more than 10%", "偏差超过 10%")
			}
			var ratio any
			if row.Theory > 0 {
				ratio = round3(row.Ratio)
			}
			t.Row(row.Name.in(r), row.RTTs, ms(row.Theory), ms(row.Best), ratio, mark, row.Why.in(r))
		}
		r.Table(t)
	}
	r.Printf(r.T("  Each figure is the fastest of %d fresh connections (a busy CPU can only add time, never remove it); %d of %d are within 10%% of theory.",
		"  每个数字取 %d 次全新连接中最快的一次（CPU 繁忙只会增加时间，不会减少）；%d/%d 项与理论相差在 10%% 以内。"), tries, within, len(rows))
	r.Printf("%s", r.T("  Not shown: TLS 1.3 0-RTT over TCP. Go's crypto/tls sends early data only over QUIC, so the only 0-RTT here is HTTP/3's.",
		"  未展示：TCP 上的 TLS 1.3 0-RTT。Go 的 crypto/tls 只在 QUIC 上发送早期数据，所以这里唯一的 0-RTT 是 HTTP/3 的。"))
	r.Set("race_within", within)
	r.Set("race_cases", len(rows))
	r.Set("race_tries", tries)
}

func (t text) in(r *demo.Run) string { return r.T(t.En, t.Zh) }

func showHOL(r *demo.Run, o *options, trials []holTrial) holResult {
	first := trials[0]
	res := holResult{
		Loss:    o.HolLoss,
		H2P50ms: ms(percentile(first.H2, 50)), H2Maxms: ms(percentile(first.H2, 100)),
		H3P50ms: ms(percentile(first.H3, 50)), H3Maxms: ms(percentile(first.H3, 100)),
	}
	r.Printf(r.T("  %d streams × %s, one connection per protocol, link RTT %s, loss %g in both directions, seed %d:",
		"  %d 条流 × %s，每种协议一个连接，链路 RTT %s，双向丢包率 %g，种子 %d："),
		o.Streams, o.Size.String(), r.Link.RTT, o.HolLoss, first.Seed)
	{
		t := event.NewTable("hol", r.T("stream", "流"), r.T("HTTP/2 (TCP) done|ms", "HTTP/2（TCP）完成|ms"), r.T("HTTP/3 (QUIC) done|ms", "HTTP/3（QUIC）完成|ms"))
		for i := range first.H2 {
			t.Row(i+1, ms(first.H2[i]), ms(first.H3[i]))
		}
		t.Row("p50", ms(percentile(first.H2, 50)), ms(percentile(first.H3, 50)))
		t.Row(r.T("max", "最大"), ms(percentile(first.H2, 100)), ms(percentile(first.H3, 100)))
		r.Table(t)
		c := event.NewChart("hol-streams", r.T("each stream's completion time", "每条流的完成时间"),
			event.Axis{Label: r.T("stream", "流")}, event.Axis{Label: r.T("done", "完成"), Unit: "ms"})
		var h2, h3 []event.Point
		for i := range first.H2 {
			h2 = append(h2, event.Point{X: float64(i + 1), Y: ms(first.H2[i])})
			h3 = append(h3, event.Point{X: float64(i + 1), Y: ms(first.H3[i])})
		}
		r.Chart(c.Add("HTTP/2", h2...).Add("HTTP/3", h3...))
	}
	r.Printf(r.T("  Completion times, first to last stream: HTTP/2 %s–%s ms, HTTP/3 %s–%s ms. %s",
		"  从最早到最晚完成的流：HTTP/2 %s–%s ms，HTTP/3 %s–%s ms。%s"),
		fmtMs(slices.Min(first.H2)), fmtMs(slices.Max(first.H2)), fmtMs(slices.Min(first.H3)), fmtMs(slices.Max(first.H3)),
		spreadNote(r, first))
	res.FirstRTTBytes = firstRTT{H2: first.FirstRTTBytes[0], H3: first.FirstRTTBytes[1]}
	r.Printf("%s", windowNote(r, first.FirstRTTBytes, o.HolLoss))
	if r.Link.Loss != o.HolLoss {
		r.Printf(r.T("  This experiment's link loses %g of its frames (--hol-loss); --loss (%g) is the handshake race's.",
			"  这个实验的链路丢包率是 %g（--hol-loss）；--loss（%g）只用于握手竞赛。"), o.HolLoss, r.Link.Loss)
	}
	for i := range first.H2 {
		r.Event("hol_stream", map[string]any{"seed": first.Seed, "stream": i + 1, "h2_ms": ms(first.H2[i]), "h3_ms": ms(first.H3[i])})
	}
	r.Printf(r.T("  The link dropped %d frames toward the server and %d toward the client during this seed (handshakes included).",
		"  这个种子下链路丢弃了 %d 个发往服务器的帧和 %d 个发往客户端的帧（含握手）。"), first.Dropped[0], first.Dropped[1])

	// A win is a lead at the resolution the table prints (0.1 ms): equal
	// figures are a tie, not a win for either side.
	p50Wins, maxWins, ties := 0, 0, 0
	ahead := func(a, b time.Duration) bool { return round1(ms(a)) < round1(ms(b)) }
	if len(trials) > 1 {
		r.Printf(r.T("  The same experiment with %d seeds (each its own lab and its own losses):", "  同样的实验换 %d 个种子（各自独立的实验网络，各自的丢包）："), len(trials))
	}
	seeds := event.NewTable("hol-seeds", r.T("seed", "种子"), "HTTP/2 p50|ms", r.T("HTTP/2 max|ms", "HTTP/2 最大|ms"), "HTTP/3 p50|ms", r.T("HTTP/3 max|ms", "HTTP/3 最大|ms"), r.T("frames dropped", "丢弃帧数"))
	for _, t := range trials {
		h2p, h2m, h3p, h3m := percentile(t.H2, 50), percentile(t.H2, 100), percentile(t.H3, 50), percentile(t.H3, 100)
		if ahead(h3p, h2p) {
			p50Wins++
		}
		if ahead(h3m, h2m) {
			maxWins++
		}
		if round1(ms(h3p)) == round1(ms(h2p)) {
			ties++
		}
		r.Event("hol_seed", map[string]any{"seed": t.Seed, "h2_p50_ms": ms(h2p), "h2_max_ms": ms(h2m), "h3_p50_ms": ms(h3p), "h3_max_ms": ms(h3m), "dropped": t.Dropped})
		seeds.Row(t.Seed, ms(h2p), ms(h2m), ms(h3p), ms(h3m), t.Dropped[0]+t.Dropped[1])
	}
	if len(trials) > 1 {
		r.Table(seeds)
	}
	r.Printf(r.T("  HTTP/3's median stream finished first in %d of %d seeds, its slowest stream in %d of %d.",
		"  HTTP/3 的中位流在 %d/%d 个种子里先完成，最慢的流在 %d/%d 个种子里先完成。"), p50Wins, len(trials), maxWins, len(trials))
	if ties > 0 {
		r.Printf(r.T("  In %d seed(s) the two medians were equal to 0.1 ms: a tie, counted for neither.",
			"  有 %d 个种子两边的中位数精确到 0.1 ms 相等：算作平局，不计入任何一方。"), ties)
	}
	r.Set("hol_streams", o.Streams)
	r.Set("hol_size", o.Size.String())
	r.Set("hol_seed", first.Seed)
	r.Set("hol_seeds", len(trials))
	r.Set("hol_p50_wins", p50Wins)
	r.Set("hol_max_wins", maxWins)
	return res
}

func showReplay(r *demo.Run, unsafe, safe *replayed) {
	var parts []string
	for _, d := range unsafe.Flight {
		parts = append(parts, fmt.Sprintf("%d B %s", len(d.Payload), strings.Join(d.Packets, "+")))
	}
	r.Printf(r.T("  A client with a session ticket sent GET %s as 0-RTT early data: %d %s.",
		"  持有会话票据的客户端把 GET %s 作为 0-RTT 早期数据发出：%d，响应正文「%s」。"), unsafe.Path, unsafe.Early.Status, strings.TrimSpace(string(unsafe.Early.Body)))
	r.Printf(r.T("  The tap copied its first flight off the link: %d datagrams (%s).",
		"  链路上的抓包点复制了它的第一批数据报：%d 个（%s）。"), len(unsafe.Flight), strings.Join(parts, "; "))
	showReplayAttempts(r, unsafe)
	showCharges(r, unsafe)
	charged := countStatus(unsafe.Charges, http.StatusOK)
	if charged > 1 {
		r.Printf(r.T("  One request from the client; the handler charged %d times.", "  客户端只发了一次请求；处理函数扣了 %d 次款。"), charged)
	} else {
		r.Printf(r.T("  The handler charged %d time(s): this run did not see the replay executed.", "  处理函数扣款 %d 次：本次运行没有观察到重放被执行。"), charged)
	}
	early := 0
	for _, c := range unsafe.Charges {
		if c.Early {
			early++
		}
	}
	if early > 1 {
		// The demo runs one server instance: two early executions of one
		// first flight are one instance accepting the same 0-RTT twice.
		r.Printf(r.T("  This one server instance accepted the same 0-RTT early data %d times: that breaks RFC 9846 §8, under which each server instance MUST accept 0-RTT for the same 0-RTT handshake at most once.",
			"  这一个服务器实例把同一份 0-RTT 早期数据接受了 %d 次：这违反了 RFC 9846 §8 的要求——每个服务器实例对同一次 0-RTT 握手最多只能接受一次 0-RTT（MUST）。"), early)
	}

	r.Printf(r.T("  The same attack on %s, which follows RFC 8470 (early data → 425 Too Early):",
		"  同样的攻击打到遵循 RFC 8470（早期数据 → 425 Too Early）的 %s："), safe.Path)
	if safe.Retry != nil {
		r.Printf(r.T("  the client's 0-RTT GET got %d; it retried after the handshake and got %d.",
			"  客户端的 0-RTT GET 得到 %d；握手完成后重试，得到 %d。"), safe.Early.Status, safe.Retry.Status)
	} else {
		r.Printf(r.T("  the client's 0-RTT GET got %d.", "  客户端的 0-RTT GET 得到 %d。"), safe.Early.Status)
	}
	showReplayAttempts(r, safe)
	showCharges(r, safe)
	safeCharged := countStatus(safe.Charges, http.StatusOK)
	r.Printf(r.T("  Executions that charged: %d.", "  真正扣款的执行次数：%d。"), safeCharged)

	r.Measure("replay_charged", charged, "")
	r.Measure("safe_charged", safeCharged, "")
	r.Set("replay_datagrams", len(unsafe.Flight))
	r.Set("replay_executions", len(unsafe.Charges))
	r.Set("replay_after_ms", ms(unsafe.After))
	r.Set("safe_early_status", safe.Early.Status)
	r.Set("safe_replay_status", lastStatus(safe.Charges))
}

func showReplayAttempts(r *demo.Run, p *replayed) {
	if p.After == 0 {
		r.Printf(r.T("  The attacker re-sent the copied first flight %d times; the server never acted on it.",
			"  攻击者把这些数据报重发了 %d 次；服务器一次也没有处理。"), p.Attempts)
		return
	}
	if p.Attempts == 1 {
		r.Printf("%s", r.T("  The attacker re-sent the copied first flight unchanged, from another port; the server acted on the first replay.",
			"  攻击者从另一个端口把复制的第一批数据报原样重发；服务器处理了第一次重放。"))
		return
	}
	r.Printf(r.T("  The attacker re-sent the copied first flight unchanged, from another port; the server acted on replay %d, %s ms after the first (it ignored the earlier ones).",
		"  攻击者从另一个端口把复制的第一批数据报原样重发；服务器处理了第 %d 次重放，距第一次 %s ms（之前的几次被忽略）。"), p.Attempts, fmtMs(p.After))
}

func showCharges(r *demo.Run, p *replayed) {
	for _, c := range p.Charges {
		when := r.T("after the handshake", "握手之后")
		if c.Early {
			when = r.T("early data, handshake not complete", "早期数据，握手未完成")
		}
		r.Printf(r.T("    handler run #%d: %s from %s (%s) → %d", "    处理函数第 %d 次执行：%s，来自 %s（%s）→ %d"), c.N, c.Path, c.Remote, when, c.Status)
		r.Event("handler_run", map[string]any{"n": c.N, "path": c.Path, "remote": c.Remote, "early": c.Early, "status": c.Status})
	}
}

func countStatus(cs []charge, status int) int {
	n := 0
	for _, c := range cs {
		if c.Status == status {
			n++
		}
	}
	return n
}

func lastStatus(cs []charge) int {
	if len(cs) == 0 {
		return 0
	}
	return cs[len(cs)-1].Status
}

// fmtMs prints a duration in milliseconds with one decimal.
func fmtMs(d time.Duration) string { return fmt.Sprintf("%.1f", ms(d)) }

func round3(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

// spreadNote says whether each server interleaved its responses, from
// what the run saw: interleaved streams of equal size finish close
// together, a server that sends them one after another finishes the first
// long before the last.
func spreadNote(r *demo.Run, t holTrial) string {
	sequential := func(ds []time.Duration) bool {
		return len(ds) > 1 && slices.Min(ds) < percentile(ds, 50)/2
	}
	h2, h3 := sequential(t.H2), sequential(t.H3)
	switch {
	case h2 && h3:
		return r.T("Both servers sent some streams well before the others (the first finished in under half the median time): they did not interleave evenly.",
			"两边的服务器都有流远早于其他流完成（最早的不到中位时间的一半）：它们没有均匀交错发送。")
	case h3:
		return r.T("HTTP/3's first stream finished in under half its median time: quic-go sent that stream ahead of the others instead of interleaving evenly, so part of the difference is scheduling, not head-of-line blocking.",
			"HTTP/3 最早的流不到中位时间的一半就完成了：quic-go 先发了这条流，而不是均匀交错，所以差别里有一部分来自调度，而不是队头阻塞。")
	case h2:
		return r.T("HTTP/2's first stream finished in under half its median time: Go's server sent that stream ahead of the others instead of interleaving evenly, so part of the difference is scheduling, not head-of-line blocking.",
			"HTTP/2 最早的流不到中位时间的一半就完成了：Go 的服务器先发了这条流，而不是均匀交错，所以差别里有一部分来自调度，而不是队头阻塞。")
	}
	return r.T("On both, the streams finished within a factor of two of the median: the servers interleaved them.",
		"两边的流都在中位时间的两倍范围内完成：服务器交错发送了它们。")
}

// round1 rounds to one decimal, the resolution the tables print.
func round1(f float64) float64 { return math.Round(f*10) / 10 }

// windowNote compares what each server sent in its first round trip of
// the downloads. Both had far more to send than that, so each figure is
// about its stack's initial congestion window: a difference there speeds
// one protocol up on any link, lossy or not, and is not head-of-line
// blocking.
func windowNote(r *demo.Run, b [2]int, loss float64) string {
	h2, h3 := b[0], b[1]
	kb := func(n int) string { return fmt.Sprintf("%.1f KB", float64(n)/1000) }
	switch {
	case h2 == 0 || h3 == 0:
		return r.T("  (The first round trip of one download was not seen on the link, so the two initial windows are not compared.)",
			"  （链路上没看到某一次下载的第一个往返，所以不比较两边的初始窗口。）")
	case float64(h3) > 1.2*float64(h2) && loss == 0:
		return fmt.Sprintf(r.T("  In its first round trip the HTTP/2 server sent %s, the HTTP/3 server %s: quic-go starts with a larger congestion window than gVisor's TCP. This link lost nothing (--hol-loss 0), so that window is the whole difference here: no head-of-line blocking without loss.",
			"  在第一个往返里，HTTP/2 服务器发出 %s，HTTP/3 服务器发出 %s：quic-go 的初始拥塞窗口比 gVisor 的 TCP 大。这条链路没有丢包（--hol-loss 0），所以这里的差别全部来自窗口：没有丢包就没有队头阻塞。"), kb(h2), kb(h3))
	case float64(h3) > 1.2*float64(h2):
		return fmt.Sprintf(r.T("  In its first round trip the HTTP/2 server sent %s, the HTTP/3 server %s: quic-go starts with a larger congestion window than gVisor's TCP, which shortens HTTP/3's downloads on any link. That part of its lead is not head-of-line blocking; the losses are the rest.",
			"  在第一个往返里，HTTP/2 服务器发出 %s，HTTP/3 服务器发出 %s：quic-go 的初始拥塞窗口比 gVisor 的 TCP 大，在任何链路上都会让 HTTP/3 的下载更快。它领先的这一部分不是队头阻塞造成的，其余才是丢包的影响。"), kb(h2), kb(h3))
	case float64(h2) > 1.2*float64(h3):
		return fmt.Sprintf(r.T("  In its first round trip the HTTP/2 server sent %s, the HTTP/3 server %s: TCP started with the larger window here, which favours HTTP/2 on any link.",
			"  在第一个往返里，HTTP/2 服务器发出 %s，HTTP/3 服务器发出 %s：这里 TCP 的初始窗口更大，在任何链路上都对 HTTP/2 有利。"), kb(h2), kb(h3))
	}
	return fmt.Sprintf(r.T("  In its first round trip the HTTP/2 server sent %s, the HTTP/3 server %s: about the same initial window, so the difference in completion times comes from the losses.",
		"  在第一个往返里，HTTP/2 服务器发出 %s，HTTP/3 服务器发出 %s：初始窗口差不多，所以完成时间的差别来自丢包。"), kb(h2), kb(h3))
}
