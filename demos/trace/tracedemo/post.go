package tracedemo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
)

// measurePosts runs the four requests of the "POST sends two packets"
// measurement and prints what decided each count.
func measurePosts(ctx context.Context, r *demo.Run) (postPackets, error) {
	// MTU 1500 as on Ethernet, the run's delay and rate, but no loss: the
	// question is how the client cuts the request, not how TCP recovers.
	link := r.Link
	link.MTU, link.Loss, link.Reorder, link.Duplicate = 1500, 0, 0, 0
	counts := map[string]postCount{}
	for _, pc := range postCases {
		c, err := measurePost(ctx, r, link, pc)
		if err != nil {
			return postPackets{}, fmt.Errorf("measuring %s: %w", pc.Key, err)
		}
		counts[pc.Key] = c
	}
	pp := postPackets{
		Get:               counts["get"].Segments,
		PostSmall:         counts["post_small"].Segments,
		PostLargeExpect:   counts["post_large_expect"].Segments,
		PostLargeNoExpect: counts["post_large_no_expect"].Segments,
	}
	mss := 0
	for _, c := range counts {
		mss = max(mss, c.MSS)
	}
	ex, noex := counts["post_large_expect"], counts["post_large_no_expect"]
	r.Set("post_mss", mss)
	r.Set("post_get_bytes", counts["get"].Sizes[0])
	r.Set("post_small_first", sizesText(counts["post_small"].Sizes))
	r.Set("post_small_story", smallStory(r, counts["post_small"]))
	r.Set("post_expect_story", expectStory(r, ex))
	r.Set("post_rtt_ms", ms(link.RTT))
	r.Set("post_send_compare", sendCompare(r, ex, noex))

	r.Printf(r.T(
		"  each request on a fresh connection, lab link MTU %d, RTT %v, no loss; counted from the tap: client→server segments with payload, retransmissions excluded",
		"  每个请求各用一条新连接，实验网络 MTU %d，RTT %v，无丢包；从链路抓包计数：客户端→服务端、带负载的报文段，不含重传"), link.MTU, link.RTT)
	t := event.NewTable("post-packets", r.T("request", "请求"), r.T("body|bytes", "请求体|字节"), r.T("segments", "报文段数"),
		r.T("first payloads (bytes)", "前几个段的负载（字节）"), r.T("body waited|ms", "请求体等待|ms"), r.T("send time|ms", "发送用时|ms"))
	for _, pc := range postCases {
		c := counts[pc.Key]
		var wait, send any
		if pc.Body > 0 {
			wait = round1(ms(c.HeaderWait))
		}
		if c.Segments > 1 {
			send = round1(ms(c.Send))
		}
		t.Row(caseName(r, pc), pc.Body, c.Segments, sizesText(c.Sizes), wait, send)
	}
	r.Table(t)
	r.Measure("post_packets_get", pp.Get, r.T("segment(s)", "个报文段"))
	r.Measure("post_packets_small", pp.PostSmall, r.T("segment(s)", "个报文段"))
	r.Measure("post_expect_wait_ms", round1(ms(ex.HeaderWait)), "ms")
	r.Measure("post_send_expect_ms", round1(ms(ex.Send)), "ms")
	r.Measure("post_send_no_expect_ms", round1(ms(noex.Send)), "ms")
	return pp, nil
}

func caseName(r *demo.Run, pc postCase) string {
	switch pc.Key {
	case "get":
		return "GET /"
	case "post_small":
		return r.T("POST, small form", "POST，小表单")
	case "post_large_expect":
		return r.T("POST 2 MiB, Expect: 100-continue", "POST 2 MiB，带 Expect: 100-continue")
	}
	return r.T("POST 2 MiB, no Expect", "POST 2 MiB，不带 Expect")
}

func sizesText(s []int) string {
	parts := make([]string, len(s))
	for i, n := range s {
		parts[i] = fmt.Sprint(n)
	}
	out := strings.Join(parts, " ")
	if len(s) >= 4 {
		out += " …"
	}
	return out
}

func yesNo(r *demo.Run, b bool) string {
	if b {
		return r.T("yes", "是")
	}
	return r.T("no", "否")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }

// smallStory says how the client cut the small POST, from the segments.
func smallStory(r *demo.Run, c postCount) string {
	switch {
	case c.Segments == 1:
		return r.T("Go's client wrote the headers and the body in one go, so one segment carried both",
			"Go 的客户端把请求头和请求体一次写出，所以一个段就装下了两者")
	case c.HeadersAlone:
		return fmt.Sprintf(r.T("the client wrote the headers (%d bytes) and the body separately, and each write became a segment",
			"客户端把请求头（%d 字节）和请求体分开写，每次写出都成了一个段"), c.HeaderBytes)
	}
	return fmt.Sprintf(r.T("the request was cut into %d segments", "请求被切成了 %d 个段"), c.Segments)
}

// sendCompare says what the two 2 MiB send times show against the time
// Expect waited for 100 Continue: about that wait, less, more, or Expect
// not slower at all.
func sendCompare(r *demo.Run, ex, noex postCount) string {
	diff, wait := ms(ex.Send)-ms(noex.Send), ms(ex.HeaderWait)
	switch {
	case diff <= 0:
		return fmt.Sprintf(r.T("Expect was not slower here, although it waited %.1f ms for 100 Continue: after the wait it sent the body faster than the other connection sent its whole request",
			"这次带 Expect 并不更慢，尽管它为 100 Continue 等了 %.1f ms：等待之后，它发完请求体比另一条连接发完整个请求还快"), round1(wait))
	case diff > 0.75*wait && diff < 1.25*wait:
		return fmt.Sprintf(r.T("the difference, %.1f ms, is about the %.1f ms spent waiting for 100 Continue",
			"相差 %.1f ms，大约就是等 100 Continue 的那 %.1f ms"), round1(diff), round1(wait))
	case diff < wait:
		return fmt.Sprintf(r.T("the difference, %.1f ms, is less than the %.1f ms Expect waited for 100 Continue: after the wait it sent the body faster than the other connection sent its whole request",
			"相差 %.1f ms，比带 Expect 时等 100 Continue 的 %.1f ms 还少：等待之后，它发完请求体比另一条连接发完整个请求还快"), round1(diff), round1(wait))
	}
	return fmt.Sprintf(r.T("the difference, %.1f ms, is more than the %.1f ms spent waiting for 100 Continue: the rest of it arose after the wait, while the body was being sent",
		"相差 %.1f ms，比等 100 Continue 的 %.1f ms 还多：其余的差别出现在等待之后、发送请求体的过程中"), round1(diff), round1(wait))
}

// expectStory says what Expect: 100-continue did on the wire.
func expectStory(r *demo.Run, c postCount) string {
	if !c.HeadersAlone || !c.Got100 {
		return fmt.Sprintf(r.T("the client did not wait for 100 Continue this time (headers alone in the first segment: %s; 100 Continue seen: %s)",
			"这次客户端没有等 100 Continue（第一个段只有请求头：%s；看到 100 Continue：%s）"), yesNo(r, c.HeadersAlone), yesNo(r, c.Got100))
	}
	return fmt.Sprintf(r.T("the first segment carried only the headers (%d bytes), the server answered 100 Continue, and the body followed %.1f ms later",
		"第一个段只装了请求头（%d 字节），服务端回了 100 Continue，请求体在 %.1f ms 之后才跟上"), c.HeaderBytes, round1(ms(c.HeaderWait)))
}
