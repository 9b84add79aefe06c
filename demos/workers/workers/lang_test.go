package workers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// formatVerb matches one fmt verb, with an optional explicit argument index.
var formatVerb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?(\[\d+\])?([a-zA-Z%])`)

// argVerbs lists a format's (argument number, verb) pairs, sorted, so that
// two formats using the same arguments the same way compare equal however
// the sentence orders them.
func argVerbs(format string) []string {
	var out []string
	n := 0
	for _, m := range formatVerb.FindAllStringSubmatch(format, -1) {
		if m[4] == "%" {
			continue
		}
		if idx := m[1] + m[3]; idx != "" {
			n, _ = strconv.Atoi(strings.Trim(idx, "[]"))
		} else {
			n++
		}
		out = append(out, strconv.Itoa(n)+m[4])
	}
	slices.Sort(out)
	return out
}

// TestTranslationsTakeTheSameArguments: in every r.T(en, zh) literal pair
// of this package the Chinese format uses the same arguments with the same
// verbs as the English one. (Two such slips, a %d and a %.2f swapped, were
// printed as %!d(float64=…) before this test.)
func TestTranslationsTakeTheSameArguments(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	pairs := 0
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "T" {
				return true
			}
			var s [2]string
			for i, a := range call.Args {
				lit, ok := a.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s[i], _ = strconv.Unquote(lit.Value)
			}
			pairs++
			if en, zh := argVerbs(s[0]), argVerbs(s[1]); !slices.Equal(en, zh) {
				t.Errorf("%s: English %q formats %v, Chinese %q formats %v", fset.Position(call.Pos()), s[0], en, s[1], zh)
			}
			return true
		})
	}
	if pairs < 50 {
		t.Fatalf("found %d r.T pairs: the test is not reading the demo's files", pairs)
	}
}

func TestArgVerbs(t *testing.T) {
	for _, tc := range []struct {
		format string
		want   []string
	}{
		{"%d of %s", []string{"1d", "2s"}},
		{"%[2]s 的 %.1[1]f 倍", []string{"1f", "2s"}},
		{"100%% %v", []string{"1v"}},
	} {
		if got := argVerbs(tc.format); !slices.Equal(got, tc.want) {
			t.Errorf("argVerbs(%q) = %v, want %v", tc.format, got, tc.want)
		}
	}
}
