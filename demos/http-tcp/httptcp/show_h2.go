package httptcp

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/netdemo/netdemo/internal/netx"

	"github.com/netdemo/netdemo/demos/http-tcp/httptcp/h2wire"
	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
)

// showH2 prints the HTTP/2-over-TLS run: ALPN, the connection count, and
// every frame of the connection in the order the server saw them.
func showH2(r *demo.Run, c *concurrent) {
	ex := c.Exchange
	streams := ex.Streams()
	r.Printf(r.T("  TLS ALPN chose %q. %d requests were sent at once; every response came back as %s.",
		"  TLS 的 ALPN 选定了 %q。%d 个请求同时发出；每个响应都是 %s。"), c.ALPN, len(c.Protos), strings.Join(uniq(c.Protos), ", "))
	r.Printf(r.T("  TCP handshakes on the wire: %d; connections the server accepted: %d; client streams seen in the frames: %s.",
		"  线路上的 TCP 握手：%d 次；服务器接受的连接：%d 条；帧里看到的客户端流：%s。"), c.Wire.handshakes, c.Accepted, idList(streams))
	r.Printf("%s", r.T("  Every frame of that connection, recorded as plaintext where the server ended TLS, in the order the server read and wrote them (ms since it accepted the connection):",
		"  这条连接上的每一帧：在服务器终止 TLS 之处以明文记录，按服务器读写的顺序排列（ms 从服务器接受连接时算起）："))
	printFrames(r, "tls", ex)
	if ex.Rest[0] != "" || ex.Rest[1] != "" || !c.Complete {
		r.Printf(r.T("  (recording incomplete: %s / %s)", "  （记录不完整：%s / %s）"), ex.Rest[0], ex.Rest[1])
	}
	if c.ParseErr != nil {
		r.Printf(r.T("  parse error: %v", "  解析错误：%v"), c.ParseErr)
	}
	r.Measure("h2_connections", c.Wire.handshakes, "")
	r.Measure("h2_streams", len(streams), "")
	r.Set("h2_stream_ids", idList(streams))
	r.Set("h2_frames_total", len(ex.Frames))
	r.Set("h2_frames_list", countList(ex.Counts()))
	r.Set("h2_alpn", c.ALPN)
	r.Set("h2_reused", c.Reused)
	r.Printf(r.T("  Frames by type: %s", "  各类帧的数量：%s"), countList(ex.Counts()))
}

// printFrames lists the frames as a table, and each as a "frame" event
// with its header fields.
func printFrames(r *demo.Run, conn string, ex *h2wire.Exchange) {
	t := event.NewTable("h2-frames-"+conn, "#", "ms", r.T("dir", "方向"), r.T("frame", "帧"), r.T("stream", "流"), r.T("len", "长度"), r.T("flags · payload", "标志 · 内容"))
	if ex.Preface {
		r.Event("frame", map[string]any{"conn": conn, "n": 0, "dir": "C→S", "type": "PREFACE", "bytes": len(h2wire.Preface)})
		t.Row(nil, nil, arrow(r, "C→S"), r.T("preface", "前言"), nil, len(h2wire.Preface), quote([]byte(h2wire.Preface), 40))
	}
	for i, f := range ex.Frames {
		ev := map[string]any{"conn": conn, "n": i + 1, "at_ms": ms(f.At), "dir": f.Dir.Arrow(), "type": f.Type, "stream": f.StreamID, "len": f.Length, "flags": f.Flags, "detail": f.Detail()}
		if f.Fields != nil {
			ev["header_block_bytes"] = f.BlockLen
			ev["fields"] = fieldEvents(f)
		}
		r.Event("frame", ev)
		detail := strings.Join(f.Flags, "|")
		if d := frameDetail(r, f); d != "" {
			if detail != "" {
				detail += " · "
			}
			detail += d
		}
		t.Row(i+1, ms(f.At), arrow(r, f.Dir.Arrow()), f.Type, f.StreamID, f.Length, detail)
	}
	r.Table(t)
}

// arrow shows a frame's direction: C→S, or 客→服 in Chinese.
func arrow(r *demo.Run, a string) string {
	switch a {
	case "C→S":
		return r.T(a, "客→服")
	case "S→C":
		return r.T(a, "服→客")
	}
	return a
}

// frameDetail is h2wire's Detail in the run's language: the counts of DATA
// and HEADERS frames are words, the rest (settings, error codes) are the
// protocol's own names.
func frameDetail(r *demo.Run, f h2wire.Frame) string {
	switch {
	case f.Type == "DATA":
		return fmt.Sprintf(r.T("%d data bytes", "%d 字节数据"), f.DataLen)
	case (f.Type == "HEADERS" || f.Type == "PUSH_PROMISE") && f.HPACKErr == "" && f.Fields != nil:
		return fmt.Sprintf(r.T("header block %d B, %d fields", "头部块 %d B，%d 个字段"), f.BlockLen, len(f.Fields))
	}
	return f.Detail()
}

func fieldEvents(f h2wire.Frame) []map[string]any {
	var out []map[string]any
	for i, hf := range f.Fields {
		m := map[string]any{"name": hf.Name, "value": hf.Value}
		if f.Reps != nil {
			m["encoding"], m["bytes"] = f.Reps[i].String(), f.Reps[i].Len
		}
		out = append(out, m)
	}
	return out
}

// requestHeaders returns the client's HEADERS frames, in the order sent.
func requestHeaders(ex *h2wire.Exchange) []h2wire.Frame {
	var out []h2wire.Frame
	for _, f := range ex.Frames {
		if f.Dir == netx.ClientToServer && f.Type == "HEADERS" && f.Fields != nil {
			out = append(out, f)
		}
	}
	return out
}

// showHPACK prints the first two requests' header fields with how each was
// encoded, and the header block sizes of all requests.
func showHPACK(r *demo.Run, c *concurrent) error {
	hs := requestHeaders(c.Exchange)
	if len(hs) < 2 {
		return fmt.Errorf("HPACK: only %d request header blocks could be decoded, want at least 2", len(hs))
	}
	for k, f := range hs[:2] {
		r.Printf(r.T("  request %d (stream %d): header block of %d bytes", "  请求 %d（流 %d）：头部块 %d 字节"), k+1, f.StreamID, f.BlockLen)
		for i, hf := range f.Fields {
			enc := "?"
			if f.Reps != nil {
				enc = repText(r, f.Reps[i])
			}
			r.Pre("      %-34s %s", hf.Name+": "+hf.Value, "← "+enc)
		}
	}
	var sizes []string
	later := 0
	for i, f := range hs {
		sizes = append(sizes, fmt.Sprint(f.BlockLen))
		if i > 0 {
			later = max(later, f.BlockLen)
		}
	}
	r.Printf(r.T("  Header block bytes of the %d requests, in order: %s.", "  %d 个请求的头部块字节数（按发送顺序）：%s。"), len(hs), strings.Join(sizes, ", "))
	r.Measure("h2_first_block_bytes", hs[0].BlockLen, "B")
	r.Measure("h2_later_block_bytes", later, "B")

	first, err := fieldRep(hs[0], ":authority")
	if err != nil {
		return err
	}
	second, err := fieldRep(hs[1], ":authority")
	if err != nil {
		return err
	}
	r.Set("authority", fieldValue(hs[0], ":authority"))
	r.Set("authority_first", repText(r, first))
	r.Set("authority_second", repText(r, second))
	dyn := 0
	for _, f := range hs[1:] {
		for _, rep := range f.Reps {
			if rep.Kind == h2wire.Indexed && rep.Dynamic() {
				dyn++
			}
		}
	}
	r.Set("dynamic_hits", dyn)
	if second.Kind == h2wire.Indexed && second.Dynamic() {
		r.Printf(r.T("  :authority cost %d bytes the first time (a literal, added to the dynamic table) and %d byte the second time (dynamic-table index %d).",
			"  :authority 第一次花了 %d 字节（字面量，并加入动态表），第二次只要 %d 字节（动态表索引 %d）。"), first.Len, second.Len, second.Index)
	}
	return nil
}

func fieldRep(f h2wire.Frame, name string) (h2wire.Rep, error) {
	for i, hf := range f.Fields {
		if hf.Name == name && f.Reps != nil {
			return f.Reps[i], nil
		}
	}
	return h2wire.Rep{}, errors.New("HPACK: no " + name + " field with a known encoding in stream " + fmt.Sprint(f.StreamID))
}

func fieldValue(f h2wire.Frame, name string) string {
	for _, hf := range f.Fields {
		if hf.Name == name {
			return hf.Value
		}
	}
	return ""
}

// repText says how a field was encoded, in the run's language.
func repText(r *demo.Run, rep h2wire.Rep) string {
	if r.Lang != "zh" {
		return rep.String()
	}
	table := func(i uint64) string {
		if i > h2wire.StaticTableLen {
			return fmt.Sprintf("动态表 #%d", i)
		}
		return fmt.Sprintf("静态表 #%d", i)
	}
	name := "名字为字面量"
	if rep.Index != 0 {
		name = "名字取自" + table(rep.Index)
	}
	switch rep.Kind {
	case h2wire.Indexed:
		return fmt.Sprintf("%s，%d 字节", table(rep.Index), rep.Len)
	case h2wire.LiteralIndexed:
		return fmt.Sprintf("字面量，%s，加入动态表，%d 字节", name, rep.Len)
	case h2wire.LiteralUnindexed:
		return fmt.Sprintf("字面量，%s，不加入表，%d 字节", name, rep.Len)
	case h2wire.LiteralNeverIndexed:
		return fmt.Sprintf("字面量，%s，永不索引，%d 字节", name, rep.Len)
	}
	return rep.String()
}

// showH2C prints the cleartext run beside the TLS one.
func showH2C(r *demo.Run, tlsRun, c *concurrent) {
	ex := c.Exchange
	if ex.Preface {
		r.Printf(r.T("  The client opened with the HTTP/2 preface %s (no TLS, no ALPN, no Upgrade: it knew in advance).",
			"  客户端一开口就是 HTTP/2 前言 %s（没有 TLS、没有 ALPN、也没有 Upgrade：它事先就知道）。"), quote([]byte(h2wire.Preface), 40))
	}
	streams := ex.Streams()
	r.Printf(r.T("  %d requests, %d TCP handshake(s), streams %s, %d frames: %s.",
		"  %d 个请求，%d 次 TCP 握手，流 %s，%d 帧：%s。"), len(c.Protos), c.Wire.handshakes, idList(streams), len(ex.Frames), countList(ex.Counts()))
	same := sameKeys(tlsRun.Exchange.Counts(), ex.Counts())
	if same {
		r.Printf("%s", r.T("  The same kinds of frames as inside TLS: HTTP/2 is the same protocol either way; TLS only hides it (in --pcap, only these h2c frames are readable).",
			"  帧的种类与 TLS 里的完全相同：HTTP/2 本身不变，TLS 只是把它藏起来（在 --pcap 抓包里只有这些 h2c 帧能直接读）。"))
	}
	r.Measure("h2c_connections", c.Wire.handshakes, "")
	r.Measure("h2c_streams", len(streams), "")
	r.Set("h2c_frames_total", len(ex.Frames))
	if r.JSON {
		printFrames(r, "h2c", ex)
	}
}

func sameKeys(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			return false
		}
	}
	return true
}

func uniq(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func idList(ids []uint32) string {
	var s []string
	for _, id := range ids {
		s = append(s, fmt.Sprint(id))
	}
	return strings.Join(s, ", ")
}

// countList prints frame counts, most frequent first: "HEADERS 10, DATA 6".
func countList(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	var s []string
	for _, k := range keys {
		s = append(s, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(s, ", ")
}
