package web

import (
	"fmt"
	"html"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/netdemo/netdemo/internal/event"
)

// Ladder layout, in SVG user units (the picture scales to its box).
const (
	ladderWidth  = 760.0
	ladderTop    = 48.0  // below the host names
	ladderLeft   = 120.0 // room for the time axis
	ladderRight  = 80.0  // room for the right-hand host's name
	ladderMinGap = 22.0  // wanted space between two frames
	ladderMaxH   = 1400. // tallest drawing before frames may crowd
	ladderMinH   = 160.0
	ladderSlope  = 10.0 // how far an arrow falls while crossing: a drawing aid, not a delay
	labelRoom    = 13.0 // vertical room a label needs
)

// Ladder draws frames as a sequence diagram: a column per host, time going
// down to scale (the y position is when the frame was sent), an arrow per
// frame labelled with its flags and length. A dropped frame's arrow stops
// short at a cross; a retransmission is dashed and marked. Every arrow
// carries a tooltip with the frame's details, so a label left out where
// frames crowd is still there.
func Ladder(f *event.Frames) string {
	// The listed hosts, then any a frame names that the list lacks.
	hosts := append([]string(nil), f.Hosts...)
	known := map[string]bool{}
	for _, h := range hosts {
		known[h] = true
	}
	for _, fr := range f.Frames {
		for _, h := range []string{fr.From, fr.To} {
			if !known[h] {
				known[h] = true
				hosts = append(hosts, h)
			}
		}
	}
	col := map[string]float64{}
	n := len(hosts)
	span := ladderWidth - ladderLeft - ladderRight
	for i, h := range hosts {
		x := ladderLeft + span/2
		if n > 1 {
			x = ladderLeft + span*float64(i)/float64(n-1)
		}
		col[h] = x
	}

	tmax := 0.0
	minGap := math.Inf(1)
	times := make([]float64, len(f.Frames))
	for i, fr := range f.Frames {
		t := fr.TMs
		if math.IsNaN(t) || math.IsInf(t, 0) || t < 0 {
			t = 0
		}
		times[i] = t
		tmax = math.Max(tmax, t)
	}
	sorted := append([]float64(nil), times...)
	sort.Float64s(sorted)
	for i := 1; i < len(sorted); i++ {
		if g := sorted[i] - sorted[i-1]; g > 0 && g < minGap {
			minGap = g
		}
	}
	scale := 0.0 // units per ms
	if tmax > 0 {
		scale = ladderMinGap / minGap
		scale = math.Min(scale, ladderMaxH/tmax)
		scale = math.Max(scale, ladderMinH/tmax)
	}
	y := func(t float64) float64 { return ladderTop + 12 + t*scale }
	height := y(tmax) + ladderSlope + 40

	var b strings.Builder
	fmt.Fprintf(&b, `<figure class="ladder-fig"><svg class="ladder" data-frames="%s" viewBox="0 0 %s %s" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		html.EscapeString(f.ID), num(ladderWidth), num(height), html.EscapeString(ladderTitle(f)))
	// Columns.
	for _, h := range hosts {
		x := col[h]
		fmt.Fprintf(&b, `<text class="host" x="%s" y="24" text-anchor="middle">%s</text>`, num(x), html.EscapeString(h))
		fmt.Fprintf(&b, `<line class="life" x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(x), num(ladderTop-8), num(x), num(height-20))
	}
	// Time axis.
	if tmax > 0 {
		for _, t := range niceTicks(0, tmax, 6) {
			yy := y(t)
			fmt.Fprintf(&b, `<line class="tick" x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(ladderLeft-46), num(yy), num(ladderLeft-40), num(yy))
			fmt.Fprintf(&b, `<text class="tlabel" x="%s" y="%s" text-anchor="end">%s ms</text>`, num(ladderLeft-48), num(yy+4), tickLabel(t))
		}
		fmt.Fprintf(&b, `<line class="axis" x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(ladderLeft-40), num(y(0)), num(ladderLeft-40), num(y(tmax)))
	}
	// Frames go into their own builder first: labels pushed down where
	// frames crowd may need a taller picture.
	head := b.String()
	b.Reset()
	lastLabel := -1e9 // the y of the last label drawn
	bottom := height
	for i, fr := range f.Frames {
		x1, x2 := col[fr.From], col[fr.To]
		y1 := y(times[i])
		if tmax == 0 {
			y1 = ladderTop + 12 + float64(i)*ladderMinGap
		}
		y2 := y1 + ladderSlope
		cls := "frame"
		dropped := fr.Fate == "dropped"
		if dropped {
			cls += " dropped"
		}
		if fr.Retransmission {
			cls += " retx"
		}
		if fr.Fate == "duplicated" || fr.Fate == "reordered" {
			cls += " " + fr.Fate
		}
		label := frameLabel(fr)
		fmt.Fprintf(&b, `<g class="%s" data-flags="%s" data-fate="%s" data-n="%d"><title>%s</title>`,
			cls, html.EscapeString(normFlags(fr.Flags)), html.EscapeString(fr.Fate), fr.N, html.EscapeString(frameTooltip(fr)))
		ex, ey := x2, y2
		if dropped {
			// The frame never arrived: the arrow ends part way, at a cross.
			ex, ey = x1+(x2-x1)*0.45, y1+(y2-y1)*0.45
		}
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(x1), num(y1), num(ex), num(ey))
		if dropped {
			const c = 6.0
			fmt.Fprintf(&b, `<path class="cross" d="M%s %sL%s %sM%s %sL%s %s"/>`,
				num(ex-c), num(ey-c), num(ex+c), num(ey+c), num(ex-c), num(ey+c), num(ex+c), num(ey-c))
		} else {
			b.WriteString(arrowHead(x1, y1, ex, ey))
		}
		// The label sits over its arrow; where frames crowd it moves
		// down below the label before it, numbered so it can be matched
		// to its arrow (which then carries the number too). A label that
		// would drift too far is left to the tooltip and the table.
		want := (y1+y2)/2 - 4
		ly := math.Max(want, lastLabel+labelRoom)
		if ly > want {
			ly = math.Max(ly, math.Max(y1, y2)+labelRoom) // clear of its own arrow
		}
		if ly-want <= 4*labelRoom {
			lastLabel = ly
			mid := (x1 + ex) / 2 // over the part of the arrow drawn
			if ly-want > 2 {
				label = "#" + strconv.Itoa(fr.N) + " " + label
				anchor, dx := "start", 4.0
				if x2 < x1 {
					anchor, dx = "end", -4
				}
				fmt.Fprintf(&b, `<text class="fnum" x="%s" y="%s" text-anchor="%s">#%d</text>`, num(x1+dx), num(y1-3), anchor, fr.N)
			}
			fmt.Fprintf(&b, `<text class="flabel" x="%s" y="%s" text-anchor="middle">%s</text>`, num(mid), num(ly), html.EscapeString(label))
			bottom = math.Max(bottom, ly+24)
		}
		b.WriteString(`</g>`)
	}
	body := b.String()
	b.Reset()
	b.WriteString(strings.Replace(head, ` viewBox="0 0 `+num(ladderWidth)+` `+num(height)+`"`, ` viewBox="0 0 `+num(ladderWidth)+` `+num(bottom)+`"`, 1))
	b.WriteString(body)
	b.WriteString(`</svg>`)
	b.WriteString(`<figcaption>` + inlineHTML(ladderTitle(f)) + ` — ` +
		both("time runs down to scale (when each frame was sent); a cross: dropped by the link; dashed: a retransmission.",
			"时间自上而下按比例（每帧发出的时刻）；叉号：被链路丢弃；虚线：重传。") + `</figcaption></figure>`)
	return b.String()
}

func ladderTitle(f *event.Frames) string {
	if f.Title != "" {
		return f.Title
	}
	return f.ID
}

// normFlags names a frame's TCP flags the way people say them: "SYN ACK"
// is SYN-ACK. Only flag names count: words a demo put after them (a
// window, "[TCP ZeroWindow]", a note) are extraFlags', in their own case.
func normFlags(flags string) string {
	fl, _ := splitFlags(flags)
	return fl
}

// tcpFlags are the flag names of the TCP header (RFC 9293 §3.1, RFC 3168 §6.1).
var tcpFlags = map[string]bool{"SYN": true, "ACK": true, "FIN": true, "RST": true, "PSH": true, "URG": true, "ECE": true, "CWR": true, "NS": true}

// splitFlags separates the flag names at the start of flags from the text
// after them ("ACK win=0 [TCP ZeroWindow]" → "ACK", "win=0 [TCP ZeroWindow]").
func splitFlags(flags string) (fl, extra string) {
	set := map[string]bool{}
	var order []string
	rest := flags
	for {
		t := strings.TrimLeft(rest, " ,|+")
		end := strings.IndexAny(t, " ,|+")
		if end < 0 {
			end = len(t)
		}
		u := strings.ToUpper(t[:end])
		if u == "" || !tcpFlags[u] {
			rest = t
			break
		}
		if !set[u] {
			set[u] = true
			order = append(order, u)
		}
		rest = t[end:]
	}
	extra = strings.TrimSpace(rest)
	switch {
	case len(order) == 2 && set["SYN"] && set["ACK"]:
		return "SYN-ACK", extra
	case len(order) == 2 && set["FIN"] && set["ACK"]:
		return "FIN-ACK", extra
	case len(order) == 2 && set["RST"] && set["ACK"]:
		return "RST-ACK", extra
	}
	return strings.Join(order, " "), extra
}

// flagText is a frame's flags with what the demo wrote after them.
func flagText(fr event.Frame) string {
	fl, extra := splitFlags(fr.Flags)
	return strings.TrimSpace(fl + " " + extra)
}

// maxLabelNote is the longest note drawn on a ladder's arrow.
const maxLabelNote = 48

func frameLabel(fr event.Frame) string {
	fl, extra := splitFlags(fr.Flags)
	if fl == "" {
		fl = fr.Proto
	}
	lenText := "len=" + strconv.Itoa(fr.Payload)
	if extra != "" && extra != lenText {
		fl += " " + strings.TrimSpace(strings.TrimSuffix(extra, lenText))
	}
	// A short note (tcp-life's "win=0 [TCP ZeroWindow]") belongs on the
	// arrow; a long one stays in the tooltip and the frame table.
	if n := strings.TrimSpace(fr.Note); n != "" && len(n) <= maxLabelNote && !strings.Contains(fl, n) {
		fl += " " + n
	}
	s := fl + " " + lenText
	if fr.Retransmission {
		s += " ↻"
	}
	if fr.Fate == "duplicated" {
		s += " ×2"
	}
	return s
}

func frameTooltip(fr event.Frame) string {
	s := fmt.Sprintf("#%d %s→%s %s %s payload %d B, %d B on the wire, t=%s ms, %s", fr.N, fr.From, fr.To, fr.Proto, flagText(fr), fr.Payload, fr.Len, tickLabel(fr.TMs), fr.Fate)
	if fr.Retransmission {
		s += ", retransmission"
	}
	if fr.Note != "" {
		s += " — " + fr.Note
	}
	return s
}

// arrowHead draws a filled triangle at (x2, y2) pointing along the line.
func arrowHead(x1, y1, x2, y2 float64) string {
	a := math.Atan2(y2-y1, x2-x1)
	const l, w = 10.0, 4.5
	bx, by := x2-l*math.Cos(a), y2-l*math.Sin(a)
	px, py := -math.Sin(a)*w, math.Cos(a)*w
	return fmt.Sprintf(`<path class="head" d="M%s %sL%s %sL%s %sZ"/>`, num(x2), num(y2), num(bx+px), num(by+py), num(bx-px), num(by-py))
}

// frameTable lists the frames with every field, folded under the picture.
func frameTable(f *event.Frames) string {
	var b strings.Builder
	b.WriteString(`<details class="frames"><summary>` + both("The frames, one per row", "逐帧列表") + `</summary><div class="scroll"><table class="data"><thead><tr>`)
	for _, h := range []string{"#", "t ms", "from", "to", "proto", "flags", "len", "payload", "seq", "ack", "fate", ""} {
		b.WriteString("<th>" + html.EscapeString(h) + "</th>")
	}
	b.WriteString("</tr></thead><tbody>")
	for _, fr := range f.Frames {
		retx := ""
		if fr.Retransmission {
			retx = both("retransmission", "重传")
		}
		if fr.Note != "" {
			retx += " " + html.EscapeString(fr.Note)
		}
		fmt.Fprintf(&b, `<tr class="%s"><td class="num">%d</td><td class="num">%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class="num">%d</td><td class="num">%d</td><td class="num">%d</td><td class="num">%d</td><td>%s</td><td>%s</td></tr>`,
			html.EscapeString(fr.Fate), fr.N, tickLabel(fr.TMs), html.EscapeString(fr.From), html.EscapeString(fr.To), html.EscapeString(fr.Proto),
			html.EscapeString(flagText(fr)), fr.Len, fr.Payload, fr.Seq, fr.Ack, html.EscapeString(fr.Fate), retx)
	}
	b.WriteString("</tbody></table></div></details>")
	return b.String()
}

// num prints an SVG coordinate compactly.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// tickLabel prints a value for an axis: no more digits than it needs.
func tickLabel(v float64) string {
	a := math.Abs(v)
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "?"
	case v == 0:
		return "0"
	case a >= 1e6 || a < 1e-3:
		return strconv.FormatFloat(v, 'g', 3, 64)
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strings.TrimSuffix(strings.TrimRight(strconv.FormatFloat(v, 'f', 1, 64), "0"), ".")
	}
	return strings.TrimSuffix(strings.TrimRight(strconv.FormatFloat(v, 'f', 3, 64), "0"), ".")
}

// niceTicks returns about n round values from lo to hi.
func niceTicks(lo, hi float64, n int) []float64 {
	if !(hi > lo) || n < 1 {
		return []float64{lo}
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9 && len(out) < 50; v += step {
		out = append(out, math.Round(v/step)*step)
	}
	return out
}
