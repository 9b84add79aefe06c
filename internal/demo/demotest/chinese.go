package demotest

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"
)

// latinWords are the Latin-script words a Chinese run may print as words:
// names of programs, projects and people's tools, protocol words that are
// lower case by convention, header names, and units. Everything else in
// Latin script must look like an identifier (see isIdentifier) or come from
// a code span, a quotation, a pre-formatted line or a measurement's name.
var latinWords = map[string]bool{
	// Programs, projects, systems.
	"Go": true, "Linux": true, "Wireshark": true, "tshark": true, "tcpdump": true,
	"netdemo": true, "quic-go": true, "netstack": true, "Nagle": true, "Mermaid": true,
	// Protocol words written in lower case, and the demos' host name.
	"keep-alive": true, "chunked": true, "h2c": true, "localhost": true,
	"over": true, // in protocol names: DNS over UDP, HTTP over QUIC
	// Header names (RFC 9110 spells them capitalised).
	"Host": true, "Connection": true, "Content-Length": true, "Content-Type": true,
	"User-Agent": true, "Strict-Transport-Security": true, "Upgrade": true,
	// Units and file formats.
	"ms": true, "B": true, "KiB": true, "MiB": true, "pcap": true, "pcapng": true,
}

var (
	codeSpan = regexp.MustCompile("`[^`\n]+`")
	// A quotation may be wrapped over lines; 300 bytes bound it.
	quotation = regexp.MustCompile(`"[^"]{0,300}"|“[^”]{0,300}”|「[^」]{0,300}」`)
	// gloss is an English term in parentheses right after the Chinese one,
	// as in 队头阻塞（head-of-line blocking）.
	// The term may be followed by more in the parentheses: （Name Constraints，RFC 5280）.
	gloss = regexp.MustCompile(`(\p{Han})\n?（[A-Za-z][A-Za-z \n-]*([，、；）])`)
	latin = regexp.MustCompile(`[A-Za-z]`)
)

// CheckChinese fails t on each Latin-script word in the text of a --lang zh
// run that a reader of Chinese would have to translate: the run must be
// Chinese throughout except for names and identifiers. Exempt are
//   - words in latinWords and in allow (a phrase with a space in allow, such
//     as the text of an error quoted from Go, is exempt wherever it appears);
//   - identifiers: a word with a capital after its first letter (ClientHello,
//     TCP, gVisor), a digit (X25519, 40ms, h2), or one of _ / . : = @ # + < >
//     (crypto/tls, tls.Config, max-age=…), and flag names (--loss);
//   - calls (read(), write("one"));
//   - text in quotation marks ("", “”, 「」) and in the run's code spans
//     (`...`), the lines the run printed pre-formatted (bytes, packet
//     lines), and an English gloss in parentheses right after the Chinese
//     term (队头阻塞（head-of-line blocking）);
//   - the names of the run's measurements (tcp_reads: …), which are the
//     result's JSON field names.
func CheckChinese(t testing.TB, o *Output, allow ...string) {
	t.Helper()
	words := map[string]bool{}
	var phrases []string
	for _, a := range allow {
		if strings.ContainsAny(a, " \t") {
			phrases = append(phrases, a)
		} else {
			words[a] = true
		}
	}
	for _, e := range o.Events {
		switch e["kind"] {
		case "measure":
			if n, ok := e["name"].(string); ok {
				words[n] = true
			}
		case "say":
			if s, _ := e["text"].(string); s != "" && e["pre"] == true {
				for _, l := range strings.Split(s, "\n") {
					phrases = append(phrases, strings.TrimSpace(l))
				}
			}
		}
		for _, k := range []string{"text", "short"} {
			if s, ok := e[k].(string); ok {
				for _, c := range codeSpan.FindAllString(s, -1) {
					phrases = append(phrases, strings.Trim(c, "`"))
				}
			}
		}
	}
	// Longest first, so that a phrase inside a longer one does not cut it.
	sort.Slice(phrases, func(i, j int) bool { return len(phrases[i]) > len(phrases[j]) })
	if d, ok := o.Result["demo"].(string); ok {
		words[d] = true                                              // the demo's name: trace
		phrases = append(phrases, "netdemo explain "+d+" --lang zh") // the view's last line
	}
	// The text view wraps lines, at a space (which the wrap takes) or after
	// punctuation, and a phrase or a quotation may run over a wrap: the
	// lines are searched joined by "\n", and a phrase matches with a line
	// break between any two of its characters. A pre-formatted line folded
	// anywhere is joined back as it was.
	var b strings.Builder
	for _, l := range strings.Split(o.Text, "\n") {
		l = strings.TrimLeft(l, " ")         // the view's indent
		folded := strings.HasPrefix(l, "↪ ") // a pre-formatted line cut anywhere
		if !folded && b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.TrimPrefix(l, "↪ "))
	}
	// µs is a unit, but the scan below sees only its ASCII "s".
	s := strings.ReplaceAll(b.String(), "µs", "µ")
	for _, p := range phrases {
		if p == "" {
			continue
		}
		var re strings.Builder
		for i, r := range p {
			if i > 0 {
				re.WriteString("\n?")
			}
			if r == ' ' {
				re.WriteString("[ \n]+")
			} else {
				re.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		// Only where p stands as words: the code span `h2` must not cut
		// "h2c" into "c".
		m := regexp.MustCompile(`(^|[^A-Za-z0-9_-])` + re.String() + `($|[^A-Za-z0-9_-])`)
		for m.MatchString(s) {
			s = m.ReplaceAllString(s, "$1 $2")
		}
	}
	s = quotation.ReplaceAllString(s, "")
	s = gloss.ReplaceAllString(s, "$1（$2")
	allowed := func(w string) bool { return words[w] || latinWords[w] || isIdentifier(w) }
	bad := map[string]string{} // word → the text around its first use
	var order []string
	for _, w := range fields(s) {
		for _, word := range latinTokens(s[w[0]:w[1]], allowed) {
			if allowed(word) {
				continue
			}
			if _, seen := bad[word]; !seen {
				bad[word] = around(s, w[0], w[1])
				order = append(order, word)
			}
		}
	}
	for _, w := range order {
		t.Errorf("Latin-script word %q in the Chinese run: …%s…", w, bad[w])
	}
}

// fields returns the start and end of each run of ASCII other than space.
func fields(s string) [][2]int {
	var out [][2]int
	start := -1
	for i, r := range s {
		word := r <= unicode.MaxASCII && !unicode.IsSpace(r)
		if word && start < 0 {
			start = i
		}
		if !word && start >= 0 {
			out = append(out, [2]int{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(s)})
	}
	return out
}

// around returns about 30 runes either side of s[i:j].
func around(s string, i, j int) string {
	a, b := []rune(s[:i]), []rune(s[j:])
	if len(a) > 30 {
		a = a[len(a)-30:]
	}
	if len(b) > 30 {
		b = b[:30]
	}
	return strings.ReplaceAll(string(a)+s[i:j]+string(b), "\n", " ")
}

// latinTokens splits an ASCII run of text into the words to check: its
// surrounding punctuation trimmed, and a hyphenated word that is not itself
// allowed checked part by part.
func latinTokens(w string, allowed func(string) bool) []string {
	if strings.Contains(w, "()") {
		return nil // a call: read(), write("one")
	}
	w = strings.TrimRight(strings.Trim(w, "()[]{},;!?|*'\"…→←·"), ".:)")
	if strings.HasPrefix(w, "--") {
		return nil // a flag name
	}
	w = strings.Trim(w, "-")
	if !latin.MatchString(w) {
		return nil
	}
	if allowed(w) {
		return []string{w}
	}
	if strings.Contains(w, "-") {
		var out []string
		for _, p := range strings.Split(w, "-") {
			out = append(out, latinTokens(p, allowed)...)
		}
		return out
	}
	return []string{w}
}

// isIdentifier reports whether w reads as code, a protocol name or a number
// with a unit rather than as an English word.
func isIdentifier(w string) bool {
	if strings.HasPrefix(w, "--") || strings.ContainsAny(w, "0123456789_/.:=@#+<>&%$") {
		return true
	}
	if len(w) == 1 && unicode.IsUpper(rune(w[0])) {
		return true // a variable: N streams
	}
	for i, r := range w {
		if i > 0 && unicode.IsUpper(r) {
			return true
		}
	}
	return false
}
