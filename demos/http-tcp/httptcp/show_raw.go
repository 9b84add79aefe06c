package httptcp

import (
	"fmt"
	"strings"

	"github.com/netdemo/netdemo/internal/demo"
)

// showRaw prints the hand-written exchange: the request bytes, every read
// with its boundaries, and where HTTP's own framing put the messages.
func showRaw(r *demo.Run, ex *rawExchange) {
	reqs := strings.SplitAfter(ex.Request, "\r\n\r\n")
	r.Printf(r.T("  The client wrote %d bytes in ONE write() — two requests, back to back:",
		"  客户端用一次 write() 写出 %d 个字节——两个请求首尾相接："), len(ex.Request))
	for _, q := range reqs {
		if q != "" {
			r.Pre("    %s", quote([]byte(q), 200))
		}
	}
	r.Measure("raw_request_bytes", len(ex.Request), "B")
	r.Measure("raw_request_segments", ex.Wire.data[0], "")
	r.Printf(r.T("  On the wire they left in %d TCP segment(s) with data; the answer came back in %d.",
		"  在线路上，它们装在 %d 个带数据的 TCP 段里发出；回应用了 %d 个段。"), ex.Wire.data[0], ex.Wire.data[1])
	r.Printf("%s", r.T("  The server answered; read() returned the bytes in these pieces:",
		"  服务器回应了；read() 按下面这些块返回字节："))
	for i, rd := range ex.Reads {
		r.Event("read", map[string]any{"n": i + 1, "at_ms": ms(rd.At), "offset": rd.Off, "bytes": len(rd.Data), "start": quote(rd.Data, 80)})
		r.Pre("    %s  %s  %s  %s", fmt.Sprintf("read %-2d", i+1), fmt.Sprintf("+%6.1f ms", ms(rd.At)),
			fmt.Sprintf(r.T("bytes %5d–%-5d (%5d)", "字节 %5d–%-5d（%5d）"), rd.Off, rd.Off+len(rd.Data)-1, len(rd.Data)), quote(rd.Data, 48))
		for _, b := range ex.boundariesIn(rd) {
			what := fmt.Sprintf(r.T("response %d ends, response %d begins", "响应 %d 结束，响应 %d 开始"), b.Msg, b.Msg+1)
			if b.HeaderEnd {
				what = fmt.Sprintf(r.T("the headers of response %d end, its body begins", "响应 %d 的头部结束，正文开始"), b.Msg)
			}
			r.Pre("              %s %s: %s", fmt.Sprintf(r.T("↳ at byte %d of this read", "↳ 本块第 %d 字节处"), b.At), what, quote(rd.Data[b.At:], 40))
		}
	}
	r.Printf("%s", r.T("    then read() returned EOF: the server closed the connection, as the second request asked (Connection: close).",
		"    随后 read() 返回 EOF：服务器按第二个请求的要求（Connection: close）关闭了连接。"))

	var parts []string
	for i, m := range ex.Messages {
		parts = append(parts, fmt.Sprintf(r.T("response %d = bytes %d–%d (status %d, %d-byte body)", "响应 %d = 字节 %d–%d（状态 %d，正文 %d 字节）"), i+1, m.Start, m.End-1, m.Status, m.BodyLen))
	}
	r.Printf(r.T("  HTTP's own framing (the empty line, then Content-Length) found %[1]d responses in the %[2]d bytes: %[3]s.",
		"  HTTP 自己的分帧（空行，再加 Content-Length）在这 %[2]d 个字节里找到 %[1]d 个响应：%[3]s。"), len(ex.Messages), len(ex.Stream), strings.Join(parts, "; "))
	inside, aligned := ex.splits()
	r.Measure("raw_reads", len(ex.Reads), "")
	r.Measure("raw_response_bytes", len(ex.Stream), "B")
	r.Measure("raw_responses", len(ex.Messages), "")
	r.Measure("raw_reads_split_inside", inside, "")
	r.Set("raw_message_ends_on_read_end", aligned)
}
