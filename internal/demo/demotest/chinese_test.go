package demotest

import (
	"fmt"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps the errors instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestCheckChinese(t *testing.T) {
	o := &Output{
		Result: map[string]any{"demo": "trace"},
		Events: []map[string]any{
			{"kind": "say", "text": "用 `Dial(\"udp\")` 连接"},
			{"kind": "say", "pre": true, "text": "  GET / HTTP/1.1\n  Host: server.test"},
			{"kind": "measure", "name": "tcp_reads"},
		},
		Text: strings.Join([]string{
			"trace：TCP 握手（RFC 9293 §3.5）用了 40ms，--loss 0.1，用 Dial(\"udp\") 连接",
			"  GET / HTTP/1.1",
			"  Host: server.test",
			"  tcp_reads: 1 次 read()；ClientHello、X25519MLKEM768、crypto/tls、N 个流",
			"队头阻塞（head-of-line blocking），错误 \"message too long\"，Go 的 Wireshark",
			"已阻止 true，选项：timestamps, window",
			"scale，error: EOF，「udp和tcp的区别」",
		}, "\n"),
	}
	r := &recorder{TB: t}
	CheckChinese(r, o, "EOF")
	var got []string
	for _, e := range r.errs {
		got = append(got, strings.SplitN(e, "\"", 3)[1])
	}
	want := []string{"true", "timestamps", "window", "scale", "error"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("flagged %q, want %q\n%s", got, want, strings.Join(r.errs, "\n"))
	}
}
