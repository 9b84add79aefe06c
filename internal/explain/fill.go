package explain

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

var placeholderRE = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_.]+)\s*\}\}`)

// Placeholders lists the distinct placeholder names in md, sorted.
func Placeholders(md string) []string {
	seen := map[string]bool{}
	for _, m := range placeholderRE.FindAllStringSubmatch(md, -1) {
		seen[m[1]] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Fill replaces each {{name}} with values[name]. Names it cannot fill are
// left in place and returned, so a caller can refuse to print a claim the
// run did not measure.
func Fill(md string, values map[string]any) (string, []string) {
	var missing []string
	out := placeholderRE.ReplaceAllStringFunc(md, func(m string) string {
		name := placeholderRE.FindStringSubmatch(m)[1]
		v, ok := values[name]
		if !ok {
			missing = append(missing, name)
			return m
		}
		return Format(v)
	})
	return out, missing
}

// Format prints a measured value the way a reader wants it: floats with at
// most two decimals, everything else as fmt prints it.
func Format(v any) string {
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'f', decimals(x), 64)
	case float32:
		return Format(float64(x))
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return Format(f)
		}
		return x.String()
	case nil:
		return "—"
	}
	return fmt.Sprint(v)
}

func decimals(x float64) int {
	switch {
	case x == float64(int64(x)):
		return 0
	case x >= 100 || x <= -100:
		return 0
	case x >= 10 || x <= -10:
		return 1
	}
	return 2
}

// Flatten turns a decoded JSON object into dotted paths
// ({"tcp":{"sent":5}} → "tcp.sent": 5) for [Fill].
func Flatten(prefix string, v any, into map[string]any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			Flatten(p, e, into)
		}
	case []any:
		for i, e := range x {
			Flatten(prefix+"."+strconv.Itoa(i), e, into)
		}
		into[prefix] = x
	default:
		if prefix != "" {
			into[prefix] = x
		}
	}
}

// StripComments removes the section and step markers, which mean nothing to a
// reader of the terminal.
func StripComments(md string) string {
	var b strings.Builder
	for _, line := range strings.Split(md, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "<!--") && strings.HasSuffix(t, "-->") {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}
