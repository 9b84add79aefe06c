package web

import (
	"encoding/json"
	"fmt"
	"html"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
	"github.com/netdemo/netdemo/internal/explain"
	"github.com/netdemo/netdemo/internal/view"
)

// message is what the page receives for one event: the event's HTML,
// rendered here once for every viewer, and where it goes. A run is a deck
// of slides: the opening (0), one per step, and "what you just saw".
type message struct {
	Seq    int    `json:"seq,omitempty"` // the event's seq; 0 for the web's own status lines
	Kind   string `json:"kind"`
	Slide  int    `json:"slide"`
	New    bool   `json:"new,omitempty"`    // this message opens the slide
	Anchor string `json:"anchor,omitempty"` // the slide's link: "demo/step"
	Title  string `json:"title,omitempty"`  // the slide's heading (HTML, both languages)
	HTML   string `json:"html,omitempty"`
	Status string `json:"status,omitempty"` // kind "status": running, waiting, done, cancelled, failed
	Error  string `json:"error,omitempty"`
}

// renderer turns a run's events into messages. The run speaks one
// language; the explanation exists in both, so the prose the page shows
// (titles, step texts, the summary) is rendered in both and the `l` key
// switches between them, while narration, tables and numbers stay as the
// run produced them.
type renderer struct {
	d     *demo.Demo
	lang  string // the run's language
	other string
	docs  map[string]*explain.Doc
	raw   map[string]string // README source per language

	slide   int
	values  map[string]any // measured values by name, for filling the other language
	pending *event.Explain // "what you just saw", rendered once the result is known
}

func newRenderer(d *demo.Demo, lang string) *renderer {
	r := &renderer{d: d, lang: lang, other: otherLang(lang), docs: map[string]*explain.Doc{}, raw: map[string]string{}, values: map[string]any{}}
	for _, l := range []string{"en", "zh"} {
		if doc, err := d.Explanation(l); err == nil {
			r.docs[l] = doc
		}
		if d.Docs != nil {
			if b, err := fs.ReadFile(d.Docs, demo.DocFile(l)); err == nil {
				r.raw[l] = string(b)
			}
		}
	}
	return r
}

func otherLang(l string) string {
	if l == "zh" {
		return "en"
	}
	return "zh"
}

// both returns inline HTML holding the text of each language; the page
// shows the one it is set to.
func both(en, zh string) string {
	if en == zh {
		return en
	}
	return `<span data-l="en">` + en + `</span><span data-l="zh" lang="zh">` + zh + `</span>`
}

// pair orders the run's text and the other language's as (en, zh).
func (r *renderer) pair(mine, other string) (en, zh string) {
	if r.lang == "zh" {
		return other, mine
	}
	return mine, other
}

// blocks wraps Markdown-rendered HTML of both languages in blocks the page
// switches between.
func blocks(class, en, zh string) string {
	if en == zh {
		return `<div class="` + class + `">` + en + `</div>`
	}
	return `<div class="` + class + `" data-l="en">` + en + `</div><div class="` + class + `" data-l="zh" lang="zh">` + zh + `</div>`
}

func (r *renderer) anchor(id string) string { return r.d.Name + "/" + id }

// render returns the messages for e (none for progress, which is a
// terminal's affair, or for an event held back).
func (r *renderer) render(e event.Event) []message {
	seq := event.HeadOf(e).Seq
	kind := event.HeadOf(e).Kind
	m := message{Seq: seq, Kind: kind, Slide: r.slide}
	switch x := e.(type) {
	case *event.Progress:
		return nil
	case *event.Start:
		m.New, m.Anchor = true, r.anchor("start")
		m.Title = html.EscapeString(x.Title)
		if d := r.docs[r.other]; d != nil && d.Title != "" {
			m.Title = both(r.pair(html.EscapeString(x.Title), html.EscapeString(d.Title)))
		}
		m.HTML = r.start(x)
	case *event.Step:
		r.slide = x.N
		m.Slide, m.New, m.Anchor = r.slide, true, r.anchor(x.ID)
		other, otherTitle := x.Text, x.Title
		if d := r.docs[r.other]; d != nil {
			if t, ok := d.Steps[x.ID]; ok {
				other = explain.WithoutHeading(t)
				if h := stepHeading(r.raw[r.other], x.ID); h != "" {
					otherTitle = h
				}
			}
		}
		m.Title = `<span class="n">` + strconv.Itoa(x.N) + `.</span> ` + both(r.pair(html.EscapeString(x.Title), html.EscapeString(otherTitle)))
		en, zh := r.pair(Markdown(x.Text, 1), Markdown(other, 1))
		m.HTML = blocks("md", en, zh)
	case *event.Say:
		m.HTML = r.say(x)
	case *event.Measure:
		r.values[x.Name] = x.Value
		unit := ""
		if x.Unit != "" {
			unit = ` <span class="unit">` + html.EscapeString(x.Unit) + `</span>`
		}
		m.HTML = fmt.Sprintf(`<p class="measure"><span class="mname">%s</span> <mark class="mval" data-measure="%s">%s</mark>%s</p>`,
			html.EscapeString(x.Name), html.EscapeString(x.Name), html.EscapeString(view.FormatCell(x.Value, r.lang)), unit)
	case *event.Table:
		m.HTML = renderTable(x, r.lang)
	case *event.Frames:
		m.HTML = Ladder(x) + frameTable(x)
	case *event.Chart:
		m.HTML = Chart(x)
	case *event.Explain:
		if x.Section == "saw" {
			r.pending = x
			return nil
		}
		m.HTML = `<div class="md">` + Markdown(x.Text, 1) + `</div>`
	case *event.Result:
		var out []message
		if r.pending != nil {
			out = append(out, r.saw(r.pending, x.Fields))
			r.pending = nil
		}
		m.Slide = r.slide
		m.HTML = renderResult(x.Fields, r.lang)
		return append(out, m)
	default:
		// Demo-specific events (a packet each, say) carry no picture of
		// their own: the stream keeps their place so every viewer can
		// check it missed nothing.
	}
	return []message{m}
}

func (r *renderer) start(x *event.Start) string {
	var b strings.Builder
	b.WriteString(`<blockquote class="question"><p lang="zh">` + html.EscapeString(x.Question.Zh) + `</p>`)
	if x.Question.En != "" {
		b.WriteString(`<p lang="en">` + html.EscapeString(x.Question.En) + `</p>`)
	}
	b.WriteString(`</blockquote>`)
	mine := x.Short
	other := mine
	if d := r.docs[r.other]; d != nil && d.Sections["short"] != "" {
		other = explain.StripComments(d.Sections["short"])
	}
	en, zh := r.pair(Markdown(mine, 1), Markdown(other, 1))
	b.WriteString(blocks("md short", en, zh))
	fmt.Fprintf(&b, `<p class="meta">%s <code>%d</code> · %s <code>%s</code></p>`,
		both("seed", "种子"), x.Seed, both("run language", "运行语言"), html.EscapeString(x.Lang))
	return b.String()
}

var indentClass = []string{"", " i1", " i2", " i3", " i4"}

func (r *renderer) say(x *event.Say) string {
	lang := ` lang="` + r.lang + `"`
	if x.Pre {
		return `<pre class="say"` + lang + `>` + html.EscapeString(x.Text) + `</pre>`
	}
	var b strings.Builder
	for _, line := range strings.Split(x.Text, "\n") {
		rest := strings.TrimLeft(line, " ")
		n := min((len(line)-len(rest))/2, 4)
		b.WriteString(`<p class="say` + indentClass[n] + `"` + lang + `>` + inlineHTML(rest) + `</p>`)
	}
	return b.String()
}

// saw renders "what you just saw": the run's own text with the values it
// measured marked, and the other language's text filled with the same
// values (a phrase the run set stays in the run's language). When the
// values cannot all be told by name, the other language shows the run's
// text: a sentence is never printed with a number the run did not give it.
func (r *renderer) saw(x *event.Explain, result map[string]any) message {
	m := message{Seq: x.Seq, Kind: x.Kind, New: true, Anchor: r.anchor("saw")}
	r.slide++
	m.Slide = r.slide
	vals := map[string]any{}
	explain.Flatten("", result, vals)
	for k, v := range r.values {
		vals[k] = v
	}
	mineTitle, mineText := splitHeading(x.Text)
	mine := ""
	if d := r.docs[r.lang]; d != nil {
		src := explain.StripComments(d.Sections["saw"])
		// Measured lists the filled values in the order of the sorted
		// placeholder names; when every one was filled it names them all,
		// including values the demo set without reporting them (a phrase
		// in the run's language, say).
		if names := explain.Placeholders(src); len(names) == len(x.Measured) {
			for i, name := range names {
				if _, ok := vals[name]; !ok {
					vals[name] = x.Measured[i]
				}
			}
		}
		mv := proseValues(vals, r.lang)
		if filled, missing := explain.Fill(src, mv); len(missing) == 0 && filled == x.Text {
			_, body := splitHeading(src)
			mine = fillMarked(body, mv)
		}
	}
	if mine == "" {
		mine = markValues(Markdown(mineText, 1), x.Measured)
	}
	other, otherTitle := mine, mineTitle
	if d := r.docs[r.other]; d != nil {
		src := explain.StripComments(d.Sections["saw"])
		ov := proseValues(vals, r.other)
		if _, missing := explain.Fill(src, ov); len(missing) == 0 {
			t, body := splitHeading(src)
			other, otherTitle = fillMarked(body, ov), t
		}
	}
	if mineTitle == "" {
		mineTitle = r.pick("What you just saw", "你刚才看到的")
	}
	if otherTitle == "" {
		otherTitle = mineTitle
	}
	m.Title = both(r.pair(inlineHTML(mineTitle), inlineHTML(otherTitle)))
	en, zh := r.pair(mine, other)
	m.HTML = blocks("md saw", en, zh)
	return m
}

// proseValues is vals as the runner fills "what you just saw" in lang: a
// yes/no is "yes" or "是", never "true" in a sentence.
func proseValues(vals map[string]any, lang string) map[string]any {
	out := make(map[string]any, len(vals))
	for k, v := range vals {
		if b, ok := v.(bool); ok {
			v = view.FormatCell(b, lang)
		}
		out[k] = v
	}
	return out
}

func (r *renderer) pick(en, zh string) string {
	if r.lang == "zh" {
		return zh
	}
	return en
}

// splitHeading separates a leading Markdown heading from the rest.
func splitHeading(md string) (title, body string) {
	md = strings.TrimSpace(md)
	if !strings.HasPrefix(md, "#") {
		return "", md
	}
	first, rest, _ := strings.Cut(md, "\n")
	return strings.TrimSpace(strings.TrimLeft(first, "#")), strings.TrimSpace(rest)
}

// fillMarked fills the placeholders of md and renders it, each filled value
// marked as measured. The values go in after the Markdown is rendered,
// through markers the renderer leaves alone, each rendered as inline
// Markdown on its own (escaped first, like all text): a phrase the run
// set may carry `code` or **bold**, as the text view shows it.
func fillMarked(md string, vals map[string]any) string {
	var filled []string
	src := placeholderRE.ReplaceAllStringFunc(md, func(p string) string {
		name := placeholderRE.FindStringSubmatch(p)[1]
		filled = append(filled, explain.Format(vals[name]))
		return "\uE000" + strconv.Itoa(len(filled)-1) + "\uE001"
	})
	out := Markdown(src, 1)
	return markerRE.ReplaceAllStringFunc(out, func(s string) string {
		k, _ := strconv.Atoi(s[len("\uE000") : len(s)-len("\uE001")])
		return `<mark class="measured">` + inlineHTML(filled[k]) + `</mark>`
	})
}

var (
	placeholderRE = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_.]+)\s*\}\}`)
	markerRE      = regexp.MustCompile("\uE000[0-9]+\uE001")
	tagRE         = regexp.MustCompile(`<[^>]*>`)
)

// markValues marks, in rendered HTML, the whole-word occurrences of the
// values a run filled in (outside tags, links and code).
func markValues(h string, values []string) string {
	if len(values) == 0 {
		return h
	}
	uniq := map[string]bool{}
	var vs []string
	for _, v := range values {
		e := html.EscapeString(v)
		if allWide(v) && utf8.RuneCountInString(v) <= 2 {
			// "是", "否": Chinese has no spaces to tell the word from
			// the same character inside another word.
			continue
		}
		if e != "" && e != "—" && !uniq[e] {
			uniq[e] = true
			vs = append(vs, regexp.QuoteMeta(e))
		}
	}
	if len(vs) == 0 {
		return h
	}
	sort.Slice(vs, func(i, j int) bool { return len(vs[i]) > len(vs[j]) })
	// A value ends where no digit, letter or decimal part follows: the 1
	// of "TLS 1.2" is not the value 1. Text between tags holds no < or >
	// (it is escaped), so a value next to one is a value already marked.
	valRE := regexp.MustCompile(`(^|[^0-9A-Za-z.>])(` + strings.Join(vs, "|") + `)($|[^0-9A-Za-z.<]|\.$|\.[^0-9])`)
	var b strings.Builder
	skip := 0
	last := 0
	for _, loc := range tagRE.FindAllStringIndex(h, -1) {
		text := h[last:loc[0]]
		if skip == 0 {
			text = markText(valRE, text)
		}
		b.WriteString(text)
		tag := h[loc[0]:loc[1]]
		switch {
		case strings.HasPrefix(tag, "<a "), tag == "<code>":
			skip++
		case tag == "</a>", tag == "</code>":
			skip = max(skip-1, 0)
		}
		b.WriteString(tag)
		last = loc[1]
	}
	if skip == 0 {
		b.WriteString(markText(valRE, h[last:]))
	} else {
		b.WriteString(h[last:])
	}
	return b.String()
}

func allWide(s string) bool {
	for _, r := range s {
		if !wide(r) {
			return false
		}
	}
	return s != ""
}

func markText(re *regexp.Regexp, s string) string {
	// Two passes catch values separated by a single character ("3/5").
	for range 2 {
		s = re.ReplaceAllString(s, `$1<mark class="measured">$2</mark>$3`)
	}
	return s
}

// stepHeading finds the heading a README gives step id: the heading line
// just above its marker, or the first line of its block.
func stepHeading(raw, id string) string {
	lines := strings.Split(strings.ReplaceAll(raw, "\r\n", "\n"), "\n")
	marker := regexp.MustCompile(`^<!--\s*step:\s*` + regexp.QuoteMeta(id) + `\s*-->\s*$`)
	for i, l := range lines {
		if !marker.MatchString(l) {
			continue
		}
		for j := i - 1; j >= 0; j-- {
			t := strings.TrimSpace(lines[j])
			if t == "" {
				continue
			}
			if strings.HasPrefix(t, "#") {
				return headingText(t)
			}
			break
		}
		for j := i + 1; j < len(lines); j++ {
			t := strings.TrimSpace(lines[j])
			if t == "" {
				continue
			}
			if strings.HasPrefix(t, "#") {
				return headingText(t)
			}
			break
		}
	}
	return ""
}

var numberedRE = regexp.MustCompile(`^\d+[.)、]\s*`)

// headingText strips the hashes and the "3." a README numbers its steps
// with (the page numbers them itself).
func headingText(h string) string {
	return numberedRE.ReplaceAllString(strings.TrimSpace(strings.TrimLeft(h, "#")), "")
}

func renderTable(t *event.Table, lang string) string {
	var b strings.Builder
	// A table wider than the screen scrolls in its own box, never the page.
	b.WriteString(`<div class="scroll"><table class="data"`)
	if t.ID != "" {
		b.WriteString(` data-table="` + html.EscapeString(t.ID) + `"`)
	}
	b.WriteString(">")
	if t.Title != "" {
		b.WriteString("<caption>" + inlineHTML(t.Title) + "</caption>")
	}
	right := make([]bool, len(t.Columns))
	for k, c := range t.Columns {
		switch c.Align {
		case "left":
		case "right":
			right[k] = true
		default:
			right[k] = numericColumn(t, k)
		}
	}
	b.WriteString("<thead><tr>")
	for k, c := range t.Columns {
		b.WriteString("<th" + alignClass(right[k]) + ">" + html.EscapeString(c.Name))
		if c.Unit != "" {
			b.WriteString(` <span class="unit">` + html.EscapeString(c.Unit) + `</span>`)
		}
		b.WriteString("</th>")
	}
	b.WriteString("</tr></thead><tbody>")
	for _, row := range t.Rows {
		b.WriteString("<tr>")
		for k, cell := range row {
			tag := "td"
			if k < len(t.Columns) && t.Columns[k].Key {
				tag = "th"
			}
			r := k < len(right) && right[k]
			b.WriteString("<" + tag + alignClass(r) + ">" + html.EscapeString(view.FormatCell(cell, lang)) + "</" + tag + ">")
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table></div>")
	return b.String()
}

func alignClass(right bool) string {
	if right {
		return ` class="num"`
	}
	return ""
}

func numericColumn(t *event.Table, k int) bool {
	seen := false
	for _, row := range t.Rows {
		if k >= len(row) || row[k] == nil {
			continue
		}
		switch row[k].(type) {
		case int, int64, float64, float32, json.Number, uint32, uint64, int32:
			seen = true
		default:
			return false
		}
	}
	return seen
}

// renderResult shows the result object as a table of its fields (dotted
// paths), each value carrying its JSON form so that a reader (or a test)
// can compare it with --json.
func renderResult(fields map[string]any, lang string) string {
	flat := map[string]any{}
	flattenLeaves("", fields, flat)
	keys := make([]string, 0, len(flat))
	for k := range flat {
		if k != "demo" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(`<table class="data result"><caption>` + both("Result (the <code>--json</code> result line)", "结果（即 <code>--json</code> 的 result 行）") + `</caption><tbody>`)
	for _, k := range keys {
		v := flat[k]
		j, _ := json.Marshal(v)
		shown := view.FormatCell(v, lang)
		if _, isList := v.([]any); isList {
			shown = string(j)
		}
		fmt.Fprintf(&b, `<tr><th><code>%s</code></th><td class="num" data-result="%s" data-json="%s"><mark class="mval">%s</mark></td></tr>`,
			html.EscapeString(k), html.EscapeString(k), html.EscapeString(string(j)), html.EscapeString(shown))
	}
	b.WriteString(`</tbody></table>`)
	return b.String()
}

// flattenLeaves is explain.Flatten without the intermediate lists: each
// path names one value shown once. Lists of plain values stay whole.
func flattenLeaves(prefix string, v any, into map[string]any) {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 && prefix != "" {
			into[prefix] = x
		}
		for k, e := range x {
			flattenLeaves(join(k), e, into)
		}
	case []any:
		plain := true
		for _, e := range x {
			switch e.(type) {
			case map[string]any, []any:
				plain = false
			}
		}
		if plain {
			into[prefix] = x
			return
		}
		for i, e := range x {
			flattenLeaves(join(strconv.Itoa(i)), e, into)
		}
	default:
		into[prefix] = x
	}
}
