package view

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/netdemo/netdemo/internal/event"
	"github.com/netdemo/netdemo/internal/term"
)

// Text renders events as terminal text.
type Text struct {
	Out, Err io.Writer
	Lang     string
	Width    int        // display cells per line; 0 = no wrapping
	Style    term.Style // colour on or off
	// Pause, when true, waits for a line on In before each step after the
	// first (--step on a terminal); Ctx ends the wait.
	Pause bool
	In    io.Reader
	Ctx   context.Context

	steps    int
	progress bool // a progress line is on stderr
	in       *bufio.Reader
}

func (v *Text) t(en, zh string) string {
	if v.Lang == "zh" {
		return zh
	}
	return en
}

func (v *Text) lines(ls []string) {
	for _, l := range ls {
		io.WriteString(v.Out, l+"\n")
	}
}

// wrap re-flows narration, with its inline Markdown (**bold**, `code`)
// styled.
func (v *Text) wrap(s string) {
	for _, line := range strings.Split(s, "\n") {
		indent, rest := leadingSpaces(line)
		v.lines(Wrap(inline(rest, v.Style), v.Width, indent, indent+"  "))
	}
}

// Emit renders one event.
func (v *Text) Emit(e event.Event) {
	if _, ok := e.(*event.Progress); !ok {
		v.endProgress()
	}
	st := v.Style
	switch x := e.(type) {
	case *event.Start:
		v.lines(Wrap(st.Bold(x.Title), v.Width, "", ""))
		if v.Lang == "zh" {
			v.lines(Wrap(st.Yellow("「"+x.Question.Zh+"」"), v.Width, "", ""))
		} else {
			v.lines(Wrap(st.Yellow("「"+x.Question.Zh+"」")+" "+st.Dim(x.Question.En), v.Width, "", "  "))
		}
		if x.Short != "" {
			io.WriteString(v.Out, "\n")
			v.lines(Markdown(x.Short, v.Width, st))
		}
	case *event.Step:
		v.steps++
		v.waitEnter()
		io.WriteString(v.Out, "\n")
		v.lines(Wrap(st.Bold(st.Blue(fmt.Sprintf("── %d. %s", x.N, x.Title))), v.Width, "", "      "))
		if x.Text != "" {
			v.lines(Markdown(x.Text, v.Width, st))
		}
	case *event.Say:
		if x.Pre {
			for _, l := range strings.Split(x.Text, "\n") {
				indent, _ := leadingSpaces(l)
				v.lines(Fold(l, v.Width, indent+"  ↪ "))
			}
			return
		}
		v.wrap(x.Text)
	case *event.Measure:
		val := FormatCell(x.Value, v.Lang)
		if x.Unit != "" {
			val += " " + x.Unit
		}
		v.lines(Wrap(st.Bold(val), v.Width, "  "+st.Dim(x.Name+":")+" ", "    "))
	case *event.Table:
		if x.Title != "" {
			v.lines(Wrap(x.Title, v.Width, "  ", "  "))
		}
		head, rows, right := tableText(x, v.Lang)
		v.lines(layoutTable(head, rows, right, v.Width, "  ", st))
	case *event.Frames:
		if x.Title != "" {
			v.lines(Wrap(x.Title, v.Width, "  ", "  "))
		}
		v.lines(v.frameTable(x))
	case *event.Chart:
		v.lines(v.chart(x))
	case *event.Explain:
		io.WriteString(v.Out, "\n")
		v.lines(Markdown(x.Text, v.Width, st))
	case *event.Result:
		if x.Demo != "" {
			io.WriteString(v.Out, "\n")
			v.lines(Wrap(st.Dim(v.t(
				"More — common wrong answers, follow-up questions, references: netdemo explain "+x.Demo,
				"更多（常见错误回答、追问、参考资料）：netdemo explain "+x.Demo+" --lang zh")), v.Width, "", "  "))
		}
	case *event.Progress:
		v.showProgress(x)
	}
}

// Close ends a progress line left open.
func (v *Text) Close() { v.endProgress() }

// maxFrameRows is the longest frame list the text view prints row by row;
// a longer one (every frame of a transfer) is summed up in a line, and its
// frames are there for --json and the web view's ladder.
const maxFrameRows = 40

func (v *Text) frameTable(f *event.Frames) []string {
	if len(f.Frames) > maxFrameRows || f.Summarize {
		var dropped, retrans int
		for _, fr := range f.Frames {
			if fr.Fate == "dropped" {
				dropped++
			}
			if fr.Retransmission {
				retrans++
			}
		}
		return Wrap(fmt.Sprintf(v.t("%d frames on the link: %d dropped, %d sent again (each frame is in --json and in netdemo web's ladder)",
			"链路上共 %d 个帧：%d 个被丢弃，%d 个是重发（每个帧都在 --json 和网页视图的梯形图里）"), len(f.Frames), dropped, retrans), v.Width, "  ", "    ")
	}
	notes := false
	for _, fr := range f.Frames {
		notes = notes || fr.Note != ""
	}
	cols := []string{"#", v.t("time|ms", "时间|ms"), v.t("direction", "方向"), v.t("flags", "标志"), v.t("bytes", "字节"), v.t("fate", "结果")}
	if notes {
		cols = append(cols, v.t("note", "说明"))
	}
	t := event.NewTable(f.ID, cols...)
	for _, fr := range f.Frames {
		flags := fr.Flags
		if flags == "" {
			flags = fr.Proto
		}
		if fr.Retransmission {
			flags += v.t(" (retransmission)", "（重传）")
		}
		t.Row(fr.N, fmt.Sprintf("+%.1f", fr.TMs), v.host(fr.From)+" → "+v.host(fr.To), flags, fr.Len, v.fate(fr.Fate), fr.Note)
	}
	t.Columns[1].Align = "right"
	head, rows, right := tableText(t, v.Lang)
	return layoutTable(head, rows, right, v.Width, "  ", v.Style)
}

// host names a frame's end: the hosts "client" and "server" that
// internal/tap gives every frames event are words to translate, other names
// (addresses, host names) are shown as they are.
func (v *Text) host(h string) string {
	switch h {
	case "client":
		return v.t("client", "客户端")
	case "server":
		return v.t("server", "服务器")
	}
	return h
}

func (v *Text) fate(f string) string {
	switch f {
	case "dropped":
		return v.Style.Red(v.t("DROPPED by the link", "被链路丢弃"))
	case "duplicated":
		return v.t("duplicated", "被复制")
	case "reordered":
		return v.t("held back (reordered)", "被延后（乱序）")
	case "delivered":
		return v.t("delivered", "送达")
	}
	return f
}

// chart draws each series as horizontal bars, one row per point, scaled to
// the width left after the labels.
func (v *Text) chart(c *event.Chart) []string {
	var out []string
	if c.Title != "" {
		out = append(out, Wrap(v.Style.Bold(c.Title), v.Width, "  ", "  ")...)
	}
	maxY := 0.0
	for _, s := range c.Series {
		for _, p := range s.Points {
			maxY = math.Max(maxY, p.Y)
		}
	}
	width := v.Width
	if width <= 0 {
		width = 80
	}
	unit := func(a event.Axis) string {
		if a.Unit != "" {
			return " (" + a.Unit + ")"
		}
		return ""
	}
	out = append(out, "  "+v.Style.Dim(c.X.Label+unit(c.X)+" → "+c.Y.Label+unit(c.Y)))
	for _, s := range c.Series {
		if len(c.Series) > 1 {
			out = append(out, "  "+s.Name)
		}
		for _, p := range s.Points {
			label := pad(FormatCell(p.X, v.Lang), 8, true)
			val := FormatCell(p.Y, v.Lang)
			room := width - 2 - 8 - 1 - 1 - cells(val)
			n := 0
			if maxY > 0 && room > 0 {
				n = int(math.Round(p.Y / maxY * float64(room)))
			}
			out = append(out, "  "+label+" "+v.Style.Cyan(strings.Repeat("█", n))+" "+val)
		}
	}
	return out
}

func (v *Text) showProgress(p *event.Progress) {
	if v.Err == nil || !term.IsTerminal(v.Err) {
		return
	}
	if p.Finished {
		v.endProgress()
		return
	}
	s := p.Text
	if p.Total > 0 {
		s = fmt.Sprintf("%s %d/%d", s, p.Done, p.Total)
	}
	fmt.Fprintf(v.Err, "\r\x1b[K  %s", s)
	v.progress = true
}

func (v *Text) endProgress() {
	if v.progress {
		fmt.Fprint(v.Err, "\r\x1b[K")
		v.progress = false
	}
}

// waitEnter pauses before each step after the first.
func (v *Text) waitEnter() {
	if !v.Pause || v.steps <= 1 || v.In == nil {
		return
	}
	if v.in == nil {
		v.in = bufio.NewReader(v.In)
	}
	fmt.Fprint(v.Err, v.Style.Dim(v.t("  [Enter] next step ", "  [回车] 下一步 ")))
	done := make(chan struct{})
	go func() {
		v.in.ReadString('\n')
		close(done)
	}()
	ctx := v.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	select {
	case <-done:
	case <-ctx.Done():
	}
}
