package view

import (
	"strings"
	"testing"
)

func TestWrapFitsWidth(t *testing.T) {
	for _, tc := range []struct {
		desc, in string
		width    int
	}{
		{"english", "TCP waited for its retransmission timer and sent it again, so Dial took 241.3 ms instead of about one RTT.", 40},
		{"chinese", "链路丢掉了 #2 SYN：TCP 等重传定时器超时后重发，所以 Dial 用了 241.3 ms，而不是约一个 RTT。", 30},
		{"long token", "see https://www.rfc-editor.org/rfc/rfc9293.html#section-3.3.2-and-more-and-more", 20},
	} {
		lines := Wrap(tc.in, tc.width, "  ", "    ")
		for _, l := range lines {
			if c := cells(l); c > tc.width {
				t.Errorf("%s: line %q is %d cells, want ≤ %d", tc.desc, l, c, tc.width)
			}
		}
		joined := strings.Join(lines, "")
		for _, w := range strings.Fields(tc.in) {
			if !strings.Contains(strings.ReplaceAll(joined, " ", ""), strings.ReplaceAll(w, " ", "")) && len(w) < tc.width {
				t.Errorf("%s: word %q lost in %q", tc.desc, w, lines)
			}
		}
	}
}

func TestWrapKeepsPunctuationOffLineStart(t *testing.T) {
	lines := Wrap("一二三四五六七八九十，十一", 20, "", "")
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "，") {
			t.Fatalf("line starts with closing punctuation: %q", lines)
		}
	}
}

func TestWrapNoWidth(t *testing.T) {
	in := strings.Repeat("word ", 50)
	if got := Wrap(in, 0, "> ", ""); len(got) != 1 || got[0] != "> "+in {
		t.Fatalf("Wrap with width 0 changed the line: %q", got)
	}
}

func TestFold(t *testing.T) {
	in := strings.Repeat("0123456789", 10)
	lines := Fold(in, 30, "  ↪ ")
	if strings.Join(lines, "") == in || len(lines) < 4 {
		t.Fatalf("Fold = %q", lines)
	}
	for _, l := range lines {
		if cells(l) > 30 {
			t.Errorf("folded line %q is %d cells", l, cells(l))
		}
	}
}

func TestCellsSkipsEscapes(t *testing.T) {
	if got := cells("\x1b[1m中文\x1b[0m ab"); got != 7 {
		t.Fatalf("cells = %d, want 7", got)
	}
}

func TestCellsCountsWideRunes(t *testing.T) {
	for in, want := range map[string]int{"abc": 3, "流": 2, "HTTP/2（TCP）完成": 17, "": 0} {
		if got := Cells(in); got != want {
			t.Errorf("Cells(%q) = %d, want %d", in, got, want)
		}
	}
}
