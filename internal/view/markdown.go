package view

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/netdemo/netdemo/internal/term"
)

var (
	commentRE = regexp.MustCompile(`(?s)<!--.*?-->`)
	boldRE    = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	codeRE    = regexp.MustCompile("`([^`]+)`")
	linkRE    = regexp.MustCompile(`\[([^\]]+)\]\(([^)]+)\)`)
	listRE    = regexp.MustCompile(`^(\s*)([-*+]|\d+[.)])\s+`)
	// emRE is *emphasis*: an asterisk not after a word character, text
	// that neither starts nor ends with a space, an asterisk.
	emRE = regexp.MustCompile(`(^|[^\w*])\*([^*\s](?:[^*]*[^*\s])?)\*`)
)

// Markdown renders the small Markdown of the explanations for a terminal of
// width cells (0: no wrapping): paragraphs and list items are re-flowed (so
// values filled into a hard-wrapped source line wrap cleanly), tables are
// laid out to fit, code blocks are kept and folded, headings are bold.
func Markdown(md string, width int, st term.Style) []string {
	md = commentRE.ReplaceAllString(md, "")
	var out []string
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); {
		line := lines[i]
		trim := strings.TrimSpace(line)
		switch {
		case trim == "":
			if len(out) > 0 && out[len(out)-1] != "" {
				out = append(out, "")
			}
			i++
		case strings.HasPrefix(trim, "```"):
			i++
			for ; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "```"); i++ {
				for _, f := range Fold("    "+lines[i], width, "      ") {
					out = append(out, st.Cyan(f))
				}
			}
			i++
		case strings.HasPrefix(trim, "#"):
			out = append(out, Wrap(st.Bold(strings.TrimSpace(strings.TrimLeft(trim, "#"))), width, "", "")...)
			i++
		case strings.HasPrefix(trim, "|"):
			var rows [][]string
			for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|"); i++ {
				cellsOf := splitRow(lines[i])
				if isRule(cellsOf) {
					continue
				}
				for k := range cellsOf {
					cellsOf[k] = inline(cellsOf[k], st)
				}
				rows = append(rows, cellsOf)
			}
			if len(rows) > 0 {
				head := rows[0]
				body := rows[1:]
				for k := range body {
					for len(body[k]) < len(head) {
						body[k] = append(body[k], "")
					}
				}
				right := make([]bool, len(head))
				out = append(out, layoutTable(head, body, right, width, "  ", st)...)
			}
		case strings.HasPrefix(trim, ">"):
			var para []string
			for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), ">"); i++ {
				para = append(para, strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(lines[i]), ">")))
			}
			out = append(out, Wrap(inline(join(para), st), width, "│ ", "│ ")...)
		default:
			// A paragraph or a list item: gather its continuation lines.
			indent, marker := "", ""
			if m := listRE.FindStringSubmatch(line); m != nil {
				indent, marker = m[1], m[2]
				line = line[len(m[0]):]
			} else {
				indent, line = leadingSpaces(line)
			}
			para := []string{strings.TrimSpace(line)}
			for i++; i < len(lines); i++ {
				next := lines[i]
				nt := strings.TrimSpace(next)
				if nt == "" || listRE.MatchString(next) || strings.HasPrefix(nt, "#") || strings.HasPrefix(nt, "|") || strings.HasPrefix(nt, "```") || strings.HasPrefix(nt, ">") {
					break
				}
				para = append(para, nt)
			}
			first, rest := indent, indent
			if marker != "" {
				first = indent + marker + " "
				rest = indent + strings.Repeat(" ", utf8.RuneCountInString(marker)+1)
			}
			out = append(out, Wrap(inline(join(para), st), width, first, rest)...)
		}
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// join joins a paragraph's source lines: with a space between Latin words,
// without one between Chinese characters (a hard wrap inside Chinese text
// is not a space).
func join(parts []string) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(b.String())
			next, _ := utf8.DecodeRuneInString(p)
			// No space between Chinese characters, nor beside full-width
			// punctuation ("，RFC"); a space between a Chinese word and a
			// Latin one stays, as Chinese typesetting writes it.
			fullWidthPunct := func(r rune) bool { return isWide(r) && strings.ContainsRune(noLineStart+noLineEnd, r) }
			if !(isWide(prev) && isWide(next)) && !fullWidthPunct(prev) && !fullWidthPunct(next) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(p)
	}
	return b.String()
}

// inline styles a line's inline Markdown: `code` (kept as it is inside),
// **bold**, *emphasis* and [links](url). Code spans are cut out first, so
// that an asterisk in code (a glob, a pointer) is never taken for
// emphasis.
func inline(s string, st term.Style) string {
	var b strings.Builder
	last := 0
	for _, m := range codeRE.FindAllStringIndex(s, -1) {
		b.WriteString(prose(s[last:m[0]], st))
		b.WriteString(st.Cyan(s[m[0]+1 : m[1]-1]))
		last = m[1]
	}
	b.WriteString(prose(s[last:], st))
	return b.String()
}

// prose styles inline Markdown outside code spans.
func prose(s string, st term.Style) string {
	s = linkRE.ReplaceAllString(s, "$1 <$2>")
	s = boldRE.ReplaceAllStringFunc(s, func(m string) string { return st.Bold(m[2 : len(m)-2]) })
	return emRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := emRE.FindStringSubmatch(m)
		return sub[1] + st.Dim(sub[2])
	})
}

func splitRow(line string) []string {
	t := strings.TrimSpace(line)
	t = strings.TrimPrefix(t, "|")
	t = strings.TrimSuffix(t, "|")
	parts := strings.Split(t, "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func isRule(cells []string) bool {
	for _, c := range cells {
		if strings.Trim(c, ":- ") != "" {
			return false
		}
	}
	return true
}
