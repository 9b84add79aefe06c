package demos

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
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

// TestTranslationsTakeTheSameArguments reads every T("…", "…") pair of the
// demos, the runner and the CLI: the Chinese format must use the English
// one's arguments with the same verbs (a sentence that reorders them says
// so with %[n]), or one language prints %!f(BADINDEX).
func TestTranslationsTakeTheSameArguments(t *testing.T) {
	fset := token.NewFileSet()
	pairs := 0
	for _, root := range []string{".", "../internal", "../cmd"} {
		err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			file, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(file, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) != 2 {
					return true
				}
				if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || (sel.Sel.Name != "T" && sel.Sel.Name != "t") {
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
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if pairs < 500 {
		t.Fatalf("found %d T pairs: the test is not reading the demos' files", pairs)
	}
}
