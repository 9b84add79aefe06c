package view

import (
	"strings"
	"testing"

	"github.com/netdemo/netdemo/internal/term"
)

func TestMarkdownPlain(t *testing.T) {
	got := strings.Join(Markdown("<!-- step: a -->\n### Head\nSee **this** and `code` [RFC](https://x).\n```\nraw **x**\n```", 0, term.Style{}), "\n")
	want := "Head\nSee this and code RFC <https://x>.\n    raw **x**"
	if got != want {
		t.Errorf("Markdown = %q, want %q", got, want)
	}
}

func TestMarkdownReflowsFilledValues(t *testing.T) {
	// A hard-wrapped source paragraph whose placeholder was filled with a
	// long value: the view re-wraps the whole paragraph.
	md := "The handshake took 41.6 ms\nover a link with a very long description filled in here, then\nended."
	lines := Markdown(md, 30, term.Style{})
	for _, l := range lines {
		if Cells(l) > 30 {
			t.Errorf("line %q is %d cells", l, Cells(l))
		}
	}
	if got := strings.Join(lines, " "); got != strings.Join(strings.Fields(md), " ") {
		t.Errorf("reflowed text = %q, want the same words as %q", got, md)
	}
}

func TestMarkdownJoinsChineseWithoutSpaces(t *testing.T) {
	got := strings.Join(Markdown("这是第一行\n接着第二行", 0, term.Style{}), "\n")
	if got != "这是第一行接着第二行" {
		t.Errorf("Markdown = %q, want the lines joined with no space", got)
	}
}

func TestMarkdownTableFits(t *testing.T) {
	md := "| 方向 | 含义 | 很长的一列 |\n|---|---|---|\n| 客户端 → 服务器 | SYN | 这一格里的文字非常非常长，长到一行八十列也放不下，必须折行才能放进终端里，否则就会溢出 |\n"
	lines := Markdown(md, 40, term.Style{})
	for _, l := range lines {
		if Cells(l) > 40 {
			t.Errorf("table line %q is %d cells, want ≤ 40", l, Cells(l))
		}
	}
	if !strings.Contains(strings.ReplaceAll(strings.Join(lines, ""), " ", ""), "必须折行") {
		t.Errorf("table lost text: %q", lines)
	}
}

func TestMarkdownList(t *testing.T) {
	lines := Markdown("- first item that is long enough to wrap around\n  and continues here\n- second", 24, term.Style{})
	if !strings.HasPrefix(lines[0], "- first") || !strings.HasPrefix(lines[1], "  ") {
		t.Errorf("list item not hung: %q", lines)
	}
	if lines[len(lines)-1] != "- second" {
		t.Errorf("second item = %q", lines[len(lines)-1])
	}
}

func TestInlineEmphasisOutsideCode(t *testing.T) {
	for in, want := range map[string]string{
		"its *program* runs":         "its program runs",
		"`*/README.md` stays":        "*/README.md stays",
		"2 * 3 * 4":                  "2 * 3 * 4",
		"**bold** and *em*":          "bold and em",
		"a [link](https://x) *here*": "a link <https://x> here",
	} {
		if got := inline(in, term.Style{}); got != want {
			t.Errorf("inline(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMarkdownNoSpaceBesideFullWidthPunctuation(t *testing.T) {
	got := strings.Join(Markdown("见 RFC 9293，\nRFC 4987 也讲了（\nSYN cookie）", 0, term.Style{}), "\n")
	if want := "见 RFC 9293，RFC 4987 也讲了（SYN cookie）"; got != want {
		t.Errorf("Markdown = %q, want %q", got, want)
	}
}
