package web

import (
	"html"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The explanations use a small Markdown: headings, paragraphs, lists,
// tables, fenced code, block quotes, **bold**, *emphasis*, `code` and
// links. This
// renderer escapes every byte of the source first and only then adds the
// tags it knows, so nothing in a README (or in a value filled into it) can
// become markup the page did not intend.

var (
	commentRE  = regexp.MustCompile(`(?s)<!--.*?-->`)
	mdBoldRE   = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	mdEmRE     = regexp.MustCompile(`(^|[^*\w])\*([^*\s](?:[^*]*[^*\s])?)\*($|[^*\w])`)
	mdLinkRE   = regexp.MustCompile(`\[([^\]]+)\]\(([^)\s]+)\)`)
	mdListRE   = regexp.MustCompile(`^(\s*)([-*+]|\d+[.)])\s+`)
	mdHeadRE   = regexp.MustCompile(`^(#{1,6})\s+(.*)$`)
	mdRuleRE   = regexp.MustCompile(`^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$`)
	mdFenceRE  = regexp.MustCompile("^\\s*```")
	mdQuoteRE  = regexp.MustCompile(`^\s*>`)
	mdTableRE  = regexp.MustCompile(`^\s*\|`)
	mdNumberRE = regexp.MustCompile(`^\d+`)
)

// Markdown renders md as HTML. Headings are shifted down by shift levels
// (a step's "###" sits under the slide's own heading), and never above h6.
func Markdown(md string, shift int) string {
	md = commentRE.ReplaceAllString(strings.ReplaceAll(md, "\r\n", "\n"), "")
	lines := strings.Split(md, "\n")
	var b strings.Builder
	for i := 0; i < len(lines); {
		line := lines[i]
		trim := strings.TrimSpace(line)
		switch {
		case trim == "":
			i++
		case mdFenceRE.MatchString(line):
			i++
			b.WriteString("<pre><code>")
			first := true
			for ; i < len(lines) && !mdFenceRE.MatchString(lines[i]); i++ {
				if !first {
					b.WriteByte('\n')
				}
				first = false
				b.WriteString(html.EscapeString(lines[i]))
			}
			b.WriteString("</code></pre>\n")
			i++ // the closing fence (or the end)
		case mdHeadRE.MatchString(trim):
			m := mdHeadRE.FindStringSubmatch(trim)
			level := min(len(m[1])+shift, 6)
			tag := "h" + strconv.Itoa(level)
			b.WriteString("<" + tag + ">" + inlineHTML(strings.TrimSpace(strings.TrimRight(m[2], "#"))) + "</" + tag + ">\n")
			i++
		case mdTableRE.MatchString(line):
			var rows []string
			for ; i < len(lines) && mdTableRE.MatchString(lines[i]); i++ {
				rows = append(rows, lines[i])
			}
			writeMDTable(&b, rows)
		case mdQuoteRE.MatchString(line):
			var para []string
			for ; i < len(lines) && mdQuoteRE.MatchString(lines[i]); i++ {
				para = append(para, strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(lines[i]), ">")))
			}
			b.WriteString("<blockquote><p>" + inlineHTML(joinLines(para)) + "</p></blockquote>\n")
		case mdListRE.MatchString(line):
			i = writeMDList(&b, lines, i)
		default:
			para := []string{trim}
			for i++; i < len(lines) && !blockStart(lines[i]); i++ {
				para = append(para, strings.TrimSpace(lines[i]))
			}
			b.WriteString("<p>" + inlineHTML(joinLines(para)) + "</p>\n")
		}
	}
	return b.String()
}

// blockStart reports whether line ends a paragraph.
func blockStart(line string) bool {
	t := strings.TrimSpace(line)
	return t == "" || mdFenceRE.MatchString(line) || mdHeadRE.MatchString(t) ||
		mdTableRE.MatchString(line) || mdQuoteRE.MatchString(line) || mdListRE.MatchString(line)
}

type mdItem struct {
	indent  int
	ordered bool
	start   int
	text    []string
}

// writeMDList renders the list starting at lines[i] and returns the index
// of the first line after it. Items more indented than the list's first
// item nest under the item before them.
func writeMDList(b *strings.Builder, lines []string, i int) int {
	var items []mdItem
	for i < len(lines) {
		line := lines[i]
		if m := mdListRE.FindStringSubmatch(line); m != nil {
			it := mdItem{indent: len(m[1]), text: []string{strings.TrimSpace(line[len(m[0]):])}}
			if n := mdNumberRE.FindString(m[2]); n != "" {
				it.ordered = true
				it.start, _ = strconv.Atoi(n)
			}
			items = append(items, it)
			i++
			continue
		}
		t := strings.TrimSpace(line)
		// A continuation line belongs to the item above; a blank line
		// followed by another item keeps the list going.
		if t != "" && !blockStart(line) {
			items[len(items)-1].text = append(items[len(items)-1].text, t)
			i++
			continue
		}
		if t == "" && i+1 < len(lines) && mdListRE.MatchString(lines[i+1]) {
			i++
			continue
		}
		break
	}
	renderItems(b, items)
	return i
}

func renderItems(b *strings.Builder, items []mdItem) {
	if len(items) == 0 {
		return
	}
	base := items[0].indent
	tag := "ul"
	open := "<ul>"
	if items[0].ordered {
		tag = "ol"
		open = "<ol>"
		if items[0].start != 1 {
			open = `<ol start="` + strconv.Itoa(items[0].start) + `">`
		}
	}
	b.WriteString(open + "\n")
	for k := 0; k < len(items); {
		it := items[k]
		b.WriteString("<li>" + inlineHTML(joinLines(it.text)))
		k++
		j := k
		for j < len(items) && items[j].indent > base {
			j++
		}
		if j > k {
			b.WriteByte('\n')
			renderItems(b, items[k:j])
			k = j
		}
		b.WriteString("</li>\n")
	}
	b.WriteString("</" + tag + ">\n")
}

func writeMDTable(b *strings.Builder, rows []string) {
	var head []string
	var body [][]string
	var align []string
	if len(rows) >= 2 && mdRuleRE.MatchString(rows[1]) {
		head = splitCells(rows[0])
		for _, c := range splitCells(rows[1]) {
			switch {
			case strings.HasPrefix(c, ":") && strings.HasSuffix(c, ":"):
				align = append(align, "c")
			case strings.HasSuffix(c, ":"):
				align = append(align, "r")
			default:
				align = append(align, "")
			}
		}
		rows = rows[2:]
	}
	for _, r := range rows {
		if mdRuleRE.MatchString(r) {
			continue
		}
		body = append(body, splitCells(r))
	}
	cell := func(tag string, k int, s string) {
		cls := ""
		if k < len(align) && align[k] != "" {
			cls = ` class="a` + align[k] + `"`
		}
		b.WriteString("<" + tag + cls + ">" + inlineHTML(s) + "</" + tag + ">")
	}
	b.WriteString(`<table class="md">` + "\n")
	if head != nil {
		b.WriteString("<thead><tr>")
		for k, c := range head {
			cell("th", k, c)
		}
		b.WriteString("</tr></thead>\n")
	}
	b.WriteString("<tbody>\n")
	for _, r := range body {
		b.WriteString("<tr>")
		for k, c := range r {
			cell("td", k, c)
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody></table>\n")
}

// splitCells splits a table row on "|", keeping "\|" as a literal bar.
func splitCells(line string) []string {
	t := strings.TrimSpace(line)
	t = strings.TrimPrefix(t, "|")
	if strings.HasSuffix(t, "|") && !strings.HasSuffix(t, `\|`) {
		t = t[:len(t)-1]
	}
	var cells []string
	var cur strings.Builder
	for k := 0; k < len(t); k++ {
		switch {
		case t[k] == '\\' && k+1 < len(t) && t[k+1] == '|':
			cur.WriteByte('|')
			k++
		case t[k] == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(t[k])
		}
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

// inlineHTML renders one line of inline Markdown. Code spans are cut out
// first (their contents are literal) and left as markers, so that bold,
// emphasis and links around them still pair up ("**Why `Ack` jumps.**");
// then the markers become <code>. Every piece is escaped before any tag is
// added.
func inlineHTML(s string) string {
	s = strings.NewReplacer(codeOpen, "", codeClose, "").Replace(s)
	var codes []string
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '`')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+1:], '`')
		if j < 0 {
			break
		}
		b.WriteString(s[:i])
		b.WriteString(codeOpen + strconv.Itoa(len(codes)) + codeClose)
		codes = append(codes, s[i+1:i+1+j])
		s = s[i+1+j+1:]
	}
	b.WriteString(s)
	out := spanHTML(b.String())
	if len(codes) == 0 {
		return out
	}
	return codeRE.ReplaceAllStringFunc(out, func(m string) string {
		k, _ := strconv.Atoi(m[len(codeOpen) : len(m)-len(codeClose)])
		return "<code>" + html.EscapeString(codes[k]) + "</code>"
	})
}

// codeOpen and codeClose mark a code span's place while the text around it
// is rendered (private-use characters, removed from the input first).
const (
	codeOpen  = "\uE002"
	codeClose = "\uE003"
)

var codeRE = regexp.MustCompile(codeOpen + "[0-9]+" + codeClose)

// spanHTML renders text without code spans. Bold and *emphasis* apply to
// the text around links and to a link's text, never inside its address.
func spanHTML(s string) string {
	s = html.EscapeString(s)
	bold := func(t string) string {
		t = mdBoldRE.ReplaceAllString(t, "<strong>$1</strong>")
		// Twice: a match takes the character after it, which may be the
		// one before the next emphasis ("*a* *b*").
		for range 2 {
			t = mdEmRE.ReplaceAllString(t, "$1<em>$2</em>$3")
		}
		return t
	}
	var b strings.Builder
	last := 0
	for _, m := range mdLinkRE.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(bold(s[last:m[0]]))
		text, href := s[m[2]:m[3]], s[m[4]:m[5]]
		if safeHref(html.UnescapeString(href)) && !strings.Contains(href, codeOpen) {
			b.WriteString(`<a href="` + href + `" rel="noopener noreferrer">` + bold(text) + `</a>`)
		} else {
			b.WriteString(bold(text))
		}
		last = m[1]
	}
	b.WriteString(bold(s[last:]))
	return b.String()
}

// safeHref allows web links, mail and links inside the site; anything with
// another scheme (javascript:, data:) is shown as text.
func safeHref(u string) bool {
	l := strings.ToLower(strings.TrimSpace(u))
	switch {
	case strings.HasPrefix(l, "https://"), strings.HasPrefix(l, "http://"), strings.HasPrefix(l, "mailto:"):
		return true
	case strings.HasPrefix(l, "//"):
		return false
	}
	return !strings.ContainsAny(l, ":\\")
}

// joinLines joins a paragraph's source lines: a space between Latin words,
// none between Chinese characters (a hard wrap in Chinese is not a space).
func joinLines(parts []string) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(b.String())
			next, _ := utf8.DecodeRuneInString(p)
			if !(wide(prev) && wide(next)) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(p)
	}
	return b.String()
}

func wide(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}
