package web

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestMarkdown(t *testing.T) {
	tests := []struct {
		name, md, want string
	}{
		{"paragraph joins lines", "one\ntwo", "<p>one two</p>\n"},
		{"Chinese lines join without a space", "第一行\n第二行", "<p>第一行第二行</p>\n"},
		{"heading shifted", "## Head", "<h3>Head</h3>\n"},
		{"heading never past h6", "###### Six", "<h6>Six</h6>\n"},
		{"emphasis", "The *responses* differ, *a* *b*, 2*3*4 stays", "<p>The <em>responses</em> differ, <em>a</em> <em>b</em>, 2*3*4 stays</p>\n"},
		{"bold and code", "a **b** `c **d**`", "<p>a <strong>b</strong> <code>c **d**</code></p>\n"},
		{"bold around code", "- **Why `Ack` jumps.** `Ack=N` means", "<ul>\n<li><strong>Why <code>Ack</code> jumps.</strong> <code>Ack=N</code> means</li>\n</ul>\n"},
		{"bold of code", "**`Expect: 100-continue`** (RFC)", "<p><strong><code>Expect: 100-continue</code></strong> (RFC)</p>\n"},
		{"code in a link's text", "[`x`](https://a.example/)", `<p><a href="https://a.example/" rel="noopener noreferrer"><code>x</code></a></p>` + "\n"},
		{"code in a link's address is no link", "[x](a`b`c)", "<p>x</p>\n"},
		{"markers in the source are dropped", "a\uE0020\uE003b `c`", "<p>a0b <code>c</code></p>\n"},
		{"link", "[RFC 9293](https://www.rfc-editor.org/rfc/rfc9293#section-3.5)", `<p><a href="https://www.rfc-editor.org/rfc/rfc9293#section-3.5" rel="noopener noreferrer">RFC 9293</a></p>` + "\n"},
		{"link with a query is escaped", "[x](https://a.example/?a=1&b=2)", `<p><a href="https://a.example/?a=1&amp;b=2" rel="noopener noreferrer">x</a></p>` + "\n"},
		{"javascript link is text", "[x](javascript:alert(1))", "<p>x)</p>\n"},
		{"data link is text", "[x](data:text/html,hi)", "<p>x</p>\n"},
		{"html is escaped", "<script>alert(1)</script> & <b>", "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;</p>\n"},
		{"comments vanish", "<!-- step: x -->\ntext", "<p>text</p>\n"},
		{"list", "- a\n- b\n  continued", "<ul>\n<li>a</li>\n<li>b continued</li>\n</ul>\n"},
		{"ordered list keeps its start", "3. c\n4. d", "<ol start=\"3\">\n<li>c</li>\n<li>d</li>\n</ol>\n"},
		{"nested list", "- a\n  - a1\n- b", "<ul>\n<li>a\n<ul>\n<li>a1</li>\n</ul>\n</li>\n<li>b</li>\n</ul>\n"},
		{"code block is literal", "```sh\ngo run **x** <y>\n```", "<pre><code>go run **x** &lt;y&gt;</code></pre>\n"},
		{"quote", "> 问题\n> more", "<blockquote><p>问题 more</p></blockquote>\n"},
		{"table", "| a | b |\n|---|--:|\n| `x\\|y` | 2 |", "<table class=\"md\">\n<thead><tr><th>a</th><th class=\"ar\">b</th></tr></thead>\n<tbody>\n<tr><td><code>x|y</code></td><td class=\"ar\">2</td></tr>\n</tbody></table>\n"},
	}
	for _, tt := range tests {
		if got := Markdown(tt.md, 1); got != tt.want {
			t.Errorf("%s: Markdown(%q) =\n%q\nwant\n%q", tt.name, tt.md, got, tt.want)
		}
	}
}

// allowedTag matches every tag the renderers may write; after removing
// them, no markup may remain.
var allowedTag = regexp.MustCompile(`</?(p|h[1-6]|ul|li|thead|tbody|tr|pre|code|strong|em|blockquote|mark)>|</(ol|table|th|td|a)>|<ol( start="\d+")?>|<table class="md">|<(th|td)( class="a[rc]")?>|<a href="[^"<>]*" rel="noopener noreferrer">|<mark class="measured">`)

func checkSafe(t *testing.T, src, out string) {
	t.Helper()
	rest := allowedTag.ReplaceAllString(out, "")
	if strings.ContainsAny(rest, "<>") {
		t.Fatalf("Markdown(%q) = %q: markup left after the allowed tags: %q", src, out, rest)
	}
	for _, m := range regexp.MustCompile(`<a href="([^"]*)"`).FindAllStringSubmatch(out, -1) {
		if !safeHref(strings.ReplaceAll(m[1], "&amp;", "&")) {
			t.Fatalf("Markdown(%q) links to %q", src, m[1])
		}
	}
}

func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{
		"# t\n\npara **b** `c` [l](https://x)\n- a\n  - b\n1. c\n| a | b |\n|---|---|\n| 1 | 2 |\n```\ncode\n```\n> q",
		"<script>x</script>[a](javascript:x)[b](JaVaScRiPt:y)[c](//evil)",
		"**`**`**", "[`x`](http://a\"onmouseover=\"x)", "|\\|", "- \n-", "\uE000" + "0\uE001",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, md string) {
		done := make(chan struct{})
		timer := time.AfterFunc(5*time.Second, func() {
			select {
			case <-done:
			default:
				panic(fmt.Sprintf("Markdown took over 5s on %q", md))
			}
		})
		defer func() { close(done); timer.Stop() }()
		checkSafe(t, md, Markdown(md, 1))
		checkSafe(t, md, inlineHTML(md))
		// Values filled into a summary stay text, whatever they hold.
		checkSafe(t, md, fillMarked("a {{x}} b `{{x}}` | {{x}} |", map[string]any{"x": md}))
	})
}

// A phrase the run fills into "what you just saw" keeps its inline
// Markdown, as the text view renders it, and stays escaped.
func TestFillMarkedRendersPhrases(t *testing.T) {
	got := fillMarked("FD_SETSIZE is {{n}}: {{note}}.", map[string]any{
		"n": 1024, "note": "select could not watch it (`FD_SET(1024): <index out of range>`), **poll** could",
	})
	want := `<p>FD_SETSIZE is <mark class="measured">1024</mark>: <mark class="measured">select could not watch it (<code>FD_SET(1024): &lt;index out of range&gt;</code>), <strong>poll</strong> could</mark>.</p>` + "\n"
	if got != want {
		t.Errorf("fillMarked =\n%s\nwant\n%s", got, want)
	}
}

// When "what you just saw" cannot be refilled by name, the values are
// marked where they stand, whole: not the 1 of "TLS 1.2", not a "是"
// inside a Chinese sentence.
func TestMarkValuesMarksWholeValues(t *testing.T) {
	got := markValues("<p>TLS 1.2 took 1 RTT. 3 of 3.5, <code>1</code> done 1.</p>", []string{"1", "3"})
	want := `<p>TLS 1.2 took <mark class="measured">1</mark> RTT. <mark class="measured">3</mark> of 3.5, <code>1</code> done <mark class="measured">1</mark>.</p>`
	if got != want {
		t.Errorf("markValues =\n%s\nwant\n%s", got, want)
	}
	zh := "<p>9 条是加密的；验证结果：是。</p>"
	if got := markValues(zh, []string{"是", "9"}); got != `<p><mark class="measured">9</mark> 条是加密的；验证结果：是。</p>` {
		t.Errorf("markValues(%q) = %s", zh, got)
	}
}
