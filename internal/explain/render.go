package explain

import (
	"regexp"
	"strings"

	"github.com/netdemo/netdemo/internal/term"
)

var (
	boldRE = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	codeRE = regexp.MustCompile("`([^`]+)`")
	linkRE = regexp.MustCompile(`\[([^\]]+)\]\(([^)]+)\)`)
)

// Render turns Markdown into terminal text: headings and **bold** in bold,
// `code` in cyan, links as "text <url>", markers removed. It is deliberately
// small: the explanations use headings, paragraphs, lists, tables, code.
func Render(md string, st term.Style) string {
	md = StripComments(md)
	var b strings.Builder
	inCode := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inCode = !inCode
			continue
		}
		switch {
		case inCode:
			line = "    " + st.Cyan(line)
		case strings.HasPrefix(line, "#"):
			line = st.Bold(strings.TrimSpace(strings.TrimLeft(line, "#")))
		default:
			line = linkRE.ReplaceAllString(line, "$1 <$2>")
			line = boldRE.ReplaceAllStringFunc(line, func(m string) string { return st.Bold(m[2 : len(m)-2]) })
			line = codeRE.ReplaceAllStringFunc(line, func(m string) string { return st.Cyan(m[1 : len(m)-1]) })
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}
