package iomux

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

var verbRE = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?(\[\d+\])?([a-zA-Z%])`)

// verbs lists the (argument, verb) pairs a format uses, in argument order.
func verbs(format string) []string {
	var out []string
	n := 0
	for _, m := range verbRE.FindAllStringSubmatch(format, -1) {
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

// TestTranslationsFormatTheSameArguments: in every r.T(en, zh) of this
// package, the Chinese format uses the same arguments with the same verbs
// as the English one (a zh sentence that reorders them must say so with
// %[n]), so that neither language prints %!f(string=…).
func TestTranslationsFormatTheSameArguments(t *testing.T) {
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
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "T" {
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
			if en, zh := verbs(s[0]), verbs(s[1]); !slices.Equal(en, zh) {
				t.Errorf("%s: English %q formats %v, Chinese %q formats %v", fset.Position(call.Pos()), s[0], en, s[1], zh)
			}
			return true
		})
	}
	if pairs < 20 {
		t.Fatalf("found %d r.T pairs: the test is not reading the demo's files", pairs)
	}
}

func TestVerbs(t *testing.T) {
	for _, tc := range []struct {
		format string
		want   []string
	}{
		{"%d of %s", []string{"1d", "2s"}},
		{"%[2]s 的 %.1[1]f 倍", []string{"1f", "2s"}},
		{"100%% %v", []string{"1v"}},
	} {
		if got := verbs(tc.format); !slices.Equal(got, tc.want) {
			t.Errorf("verbs(%q) = %v, want %v", tc.format, got, tc.want)
		}
	}
}
