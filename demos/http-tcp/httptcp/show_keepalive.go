package httptcp

import (
	"fmt"
	"math"
	"strings"

	"github.com/netdemo/netdemo/internal/demo"
)

// showKeepAlive prints the median round of each mode, every round's total,
// and the time keep-alive saved.
func showKeepAlive(r *demo.Run, cmp *comparison, ka, cl *sequential) {
	rtt := r.Link.RTT
	if n := len(cmp.KeepAlive); n > 1 {
		r.Printf(r.T("  The median of %d rounds of each (the rounds alternate):", "  每种方式跑 %d 轮（交替进行），取中位数那一轮："), n)
	} else {
		r.Printf("%s", r.T("  One round of each (--rounds 5 reports the median of five, steadier on a busy machine):",
			"  每种方式各跑一轮（--rounds 5 会跑五轮取中位数，在繁忙的机器上更稳定）："))
	}
	for _, s := range []*sequential{ka, cl} {
		mode := "keep-alive"
		if !s.KeepAlive {
			mode = "Connection: close"
		}
		var per []string
		for i, d := range s.Took {
			tag := r.T("new", "新建")
			if s.Reused[i] {
				tag = r.T("reused", "复用")
			}
			per = append(per, fmt.Sprintf("%.0f ms (%s)", ms(d), tag))
			r.Event("request", map[string]any{"mode": mode, "n": i + 1, "ms": ms(d), "reused": s.Reused[i]})
		}
		r.Pre("  %s  %s", fmt.Sprintf("%-17s", mode), fmt.Sprintf(r.T(
			"%d requests, %d TCP handshake(s) on the wire (%d connection(s) accepted by the server), %d of %d requests reused a connection, %.0f ms in all",
			"%d 个请求，线路上 %d 次 TCP 握手（服务器接受了 %d 条连接），%d/%d 个请求复用了连接，共 %.0f ms"),
			len(s.Took), s.Wire.handshakes, s.Accepted, s.reusedCount(), len(s.Took), ms(s.Total)))
		r.Pre("  %s  %s", strings.Repeat(" ", 17), strings.Join(per, ", "))
	}
	var kaAll, clAll []string
	for i := range cmp.KeepAlive {
		kaAll = append(kaAll, fmt.Sprintf("%.0f", ms(cmp.KeepAlive[i].Total)))
		clAll = append(clAll, fmt.Sprintf("%.0f", ms(cmp.Close[i].Total)))
		for _, s := range []*sequential{cmp.KeepAlive[i], cmp.Close[i]} {
			r.Event("round", map[string]any{"n": i + 1, "keepalive": s.KeepAlive, "ms": ms(s.Total), "handshakes": s.Wire.handshakes, "reused": s.reusedCount()})
		}
	}
	r.Printf("  %s", fmt.Sprintf(r.T("every round, ms: keep-alive %s; close %s", "每一轮（ms）：keep-alive %s；Connection: close %s"), strings.Join(kaAll, ", "), strings.Join(clAll, ", ")))
	saved := cl.Total - ka.Total
	r.Measure("keepalive_connections", ka.Wire.handshakes, "")
	r.Measure("close_connections", cl.Wire.handshakes, "")
	r.Measure("keepalive_ms", ms(ka.Total), "ms")
	r.Measure("close_ms", ms(cl.Total), "ms")
	r.Measure("saved_ms", ms(saved), "ms")
	r.Set("rtt_ms", ms(rtt))
	r.Set("keepalive_reused", ka.reusedCount())
	r.Set("close_reused", cl.reusedCount())
	r.Set("requests", len(ka.Took))
	r.Set("rounds", len(cmp.KeepAlive))
	extra := cl.Wire.handshakes - ka.Wire.handshakes
	r.Set("extra_handshakes", extra)
	if rtt > 0 {
		r.Measure("saved_rtts", round2(float64(saved)/float64(rtt)), "RTT")
	}
	switch {
	case saved <= 0:
		r.Printf(r.T("  This time keep-alive saved nothing measurable (%.0f ms): the machine was slower than the link. Run it again, or with a longer --rtt.",
			"  这一次 keep-alive 没有省下可测的时间（%.0f ms）：机器比链路还慢。再跑一次，或用更长的 --rtt。"), ms(saved))
	case rtt > 0:
		r.Printf(r.T("  Keep-alive saved %.0f ms = %.1f RTTs of %v, with %d handshakes fewer: each new connection costs at least one round trip (SYN → SYN-ACK) before its request can leave.",
			"  keep-alive 省下 %.0f ms = %.1f 个 RTT（RTT %v），握手少了 %d 次：每条新连接至少要先花一个往返（SYN → SYN-ACK）才能发出请求。"),
			ms(saved), float64(saved)/float64(rtt), rtt, extra)
	}
	if rtt <= 0 {
		r.Set("saved_rtts", "—")
	}
	if n := ka.Wire.resentSYNs + cl.Wire.resentSYNs; n > 0 {
		r.Printf(r.T("  %d SYN(s) had to be sent again: the link lost the SYN or its SYN-ACK, and TCP waits a retransmission timeout (1 s at first, RFC 6298 §2) before trying again. Loss makes every extra handshake dearer.",
			"  有 %d 个 SYN 不得不重发：链路丢了 SYN 或它的 SYN-ACK，TCP 要等一个重传超时（初始 1 秒，RFC 6298 §2）才重试。丢包让每一次多余的握手都更贵。"), n)
	}
	if cl.ConnHeader != "" {
		r.Printf(r.T("  With keep-alive off, the client sent \"Connection: close\", the server answered \"Connection: %s\", and no request reused a connection.",
			"  关闭 keep-alive 时，客户端发送 \"Connection: close\"，服务器回复 \"Connection: %s\"，没有任何请求复用连接。"), cl.ConnHeader)
	}
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
