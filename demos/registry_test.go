package demos

import (
	"os"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/netdemo/netdemo/internal/explain"
)

// TestExplanations checks the contract between each demo and its two
// explanation files: every required section in both languages, the same
// steps and the same measured placeholders in both, no unfinished text.
func TestExplanations(t *testing.T) {
	for _, d := range All() {
		en, err := d.Explanation("en")
		if err != nil {
			t.Errorf("%s: %v", d.Name, err)
			continue
		}
		zh, err := d.Explanation("zh")
		if err != nil {
			t.Errorf("%s: %v", d.Name, err)
			continue
		}
		for lang, doc := range map[string]*explain.Doc{"en": en, "zh": zh} {
			if m := doc.Missing(); len(m) > 0 {
				t.Errorf("%s (%s): missing sections %v", d.Name, lang, m)
			}
			if doc.Title == "" {
				t.Errorf("%s (%s): no # title", d.Name, lang)
			}
			for id, body := range doc.Sections {
				if strings.Contains(body, "TODO") {
					t.Errorf("%s (%s): section %s still says TODO", d.Name, lang, id)
				}
			}
			if !strings.Contains(doc.Sections["refs"], "RFC") {
				t.Errorf("%s (%s): references cite no RFC", d.Name, lang)
			}
		}
		if got, want := keys(zh.Steps), keys(en.Steps); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: steps in README.zh.md %v, in README.md %v; want the same", d.Name, got, want)
		}
		if got, want := explain.Placeholders(zh.Sections["saw"]), explain.Placeholders(en.Sections["saw"]); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: placeholders in zh %v, in en %v; want the same", d.Name, got, want)
		}
		if len(explain.Placeholders(en.Sections["saw"])) == 0 {
			t.Errorf("%s: \"what you just saw\" has no measured placeholder", d.Name)
		}
	}
}

// seedPath is the interview notes the demos answer; they sit beside the
// repository on developer machines, not in it.
const seedPath = "../../shared/seed/interview-notes.txt"

// TestQuestionsQuoteTheSeed checks that each Chinese question section
// quotes the seed's wording, for the demos whose question is in the seed.
func TestQuestionsQuoteTheSeed(t *testing.T) {
	seed, err := os.ReadFile(seedPath)
	if err != nil {
		t.Skipf("the interview notes are not beside the repository (%v): cannot check that the questions quote them", err)
	}
	quoted := 0
	for _, d := range All() {
		if !strings.Contains(string(seed), d.Question.Zh) {
			continue // a question of our own, not the seed's
		}
		quoted++
		zh, err := d.Explanation("zh")
		if err != nil {
			t.Errorf("%s: %v", d.Name, err)
			continue
		}
		if !strings.Contains(zh.Sections["question"], d.Question.Zh) {
			t.Errorf("%s: the Chinese question section does not quote the seed: %q", d.Name, d.Question.Zh)
		}
	}
	if quoted == 0 {
		t.Errorf("no demo's Question.Zh appears in %s, want the seed's questions: is it the right file?", seedPath)
	}
}

func TestRegistry(t *testing.T) {
	ports := map[int]string{}
	for _, d := range All() {
		if Lookup(d.Name) != d {
			t.Errorf("Lookup(%q) does not return the demo", d.Name)
		}
		if d.Run == nil {
			t.Errorf("%s: no Run", d.Name)
		}
		if _, err := os.Stat(d.Name + "/main.go"); err != nil {
			t.Errorf("%s: no demos/%s/main.go for go run: %v", d.Name, d.Name, err)
		}
		if d.Port != 0 {
			if other, dup := ports[d.Port]; dup {
				t.Errorf("%s and %s both default to port %d", d.Name, other, d.Port)
			}
			ports[d.Port] = d.Name
		}
	}
	if Lookup("nope") != nil {
		t.Error(`Lookup("nope") found a demo`)
	}
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// reserved are the words a demo's inner package may not be named, because
// they already name a package the demo's reader knows.
var reserved = map[string]bool{"tls": true, "trace": true, "quic": true, "http": true, "net": true}

// TestLayout holds every demo to the layout in the package doc: its code in
// demos/NAME/PKG, PKG being NAME without dashes, plus "demo" when that
// word is reserved.
func TestLayout(t *testing.T) {
	for _, d := range All() {
		fn := runtime.FuncForPC(reflect.ValueOf(d.Run).Pointer()).Name()
		pkgPath := fn[:strings.LastIndex(fn, ".")]
		want := strings.ReplaceAll(d.Name, "-", "")
		if reserved[want] {
			want += "demo"
		}
		if wantPath := "github.com/netdemo/netdemo/demos/" + d.Name + "/" + want; pkgPath != wantPath {
			t.Errorf("%s: code in %s, want %s", d.Name, pkgPath, wantPath)
		}
		if _, err := os.Stat(d.Name + "/main.go"); err != nil {
			t.Errorf("%s: no main.go: %v", d.Name, err)
		}
	}
}

// TestRegistryLeavesDemosAlone: the registry attaches explanations to
// copies; the demo packages' values keep no Docs of the registry's.
func TestRegistryLeavesDemosAlone(t *testing.T) {
	for i, d := range tour {
		if d.Docs != nil {
			t.Errorf("%s: the registry wrote Docs into the demo package's value", d.Name)
		}
		if All()[i] == d || All()[i].Docs == nil {
			t.Errorf("%s: All() should hold a copy with Docs", d.Name)
		}
	}
}
