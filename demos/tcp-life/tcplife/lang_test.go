package tcplife

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

// verb is one fmt verb, with an explicit argument index before the
// precision or before the verb.
var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?(\[\d+\])?([a-zA-Z%])`)

// uses lists the (argument, verb) pairs of a format, sorted: two formats
// that use the same arguments the same way compare equal in any word order.
func uses(format string) []string {
	var out []string
	n := 0
	for _, m := range verb.FindAllStringSubmatch(format, -1) {
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

// TestTranslationsTakeTheSameArguments reads every r.T("…", "…") pair of
// the package: the Chinese format must use the English one's arguments
// with the same verbs, or the run prints %!f(BADINDEX) (as it once did).
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
			if en, zh := uses(s[0]), uses(s[1]); !slices.Equal(en, zh) {
				t.Errorf("%s: English %q formats %v, Chinese %q formats %v", fset.Position(call.Pos()), s[0], en, s[1], zh)
			}
			return true
		})
	}
	if pairs < 50 {
		t.Fatalf("found %d r.T pairs: the test is not reading the demo's files", pairs)
	}
}
