package demos

import (
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/netdemo/netdemo/internal/explain"
)

// TestExplanations checks the contract between each demo and its two
// explanation files: every required section in both languages, the same
// steps and the same measured placeholders in both, no unfinished text.
func TestExplanations(t *testing.T) {
	seed, err := os.ReadFile("../../shared/seed/interview-notes.txt")
	if err != nil {
		seed = nil // the seed sits beside the repo on developer machines and in CI
	}
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
		// The question as the seed asks it (the seed's wording, where it has one).
		if seed != nil && strings.Contains(string(seed), d.Question.Zh) && !strings.Contains(zh.Sections["question"], d.Question.Zh) {
			t.Errorf("%s: the Chinese question section does not quote the seed: %q", d.Name, d.Question.Zh)
		}
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
