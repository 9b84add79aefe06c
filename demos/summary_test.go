package demos

import (
	"strings"
	"testing"

	"github.com/netdemo/netdemo/internal/demo/demotest"
	"github.com/netdemo/netdemo/internal/explain"
	"github.com/netdemo/netdemo/internal/view"
)

// TestSummaryMatchesSteps runs the demos under flag sets other than their
// defaults (loss, other seeds, Chinese) and checks that "what you just saw"
// repeats each number a step measured exactly as the step printed it: the
// summary is filled from the same values, never typed in or rounded
// differently.
func TestSummaryMatchesSteps(t *testing.T) {
	if testing.Short() {
		t.Skip("runs six demos: skipped with -short")
	}
	runs := []struct {
		demo string
		args []string
	}{
		{"tcp-udp", []string{"--messages", "40", "--loss", "0.2", "--seed", "2"}},
		{"tcp-udp", []string{"--messages", "20", "--lang", "zh", "--rtt", "10ms", "--seed", "5"}},
		{"http-tcp", []string{"--loss", "0.05", "--seed", "3"}},
		{"tls", []string{"--loss", "0.05", "--seed", "2", "--lang", "zh"}},
		{"get-post", []string{"--loss", "0.1", "--seed", "3"}},
		{"trace", []string{"--loss", "0.1", "--seed", "8"}},
		{"quic", []string{"--hol-seeds", "1", "--streams", "2", "--tries", "1", "--loss", "0.05"}},
	}
	for _, tc := range runs {
		t.Run(tc.demo+" "+strings.Join(tc.args, " "), func(t *testing.T) {
			d := Lookup(tc.demo)
			o := demotest.Run(t, d, tc.args...)
			lang := "en"
			for i, a := range tc.args {
				if a == "--lang" {
					lang = tc.args[i+1]
				}
			}
			doc, err := d.Explanation(lang)
			if err != nil {
				t.Fatal(err)
			}
			inSaw := map[string]bool{}
			for _, name := range explain.Placeholders(doc.Sections["saw"]) {
				inSaw[name] = true
			}
			saw := ""
			for _, e := range o.Kind("explain") {
				saw += e["text"].(string)
			}
			checked := 0
			for _, m := range o.Kind("measure") {
				name := m["name"].(string)
				if !inSaw[name] {
					continue
				}
				checked++
				if want := view.FormatCell(m["value"], lang); !strings.Contains(saw, want) {
					t.Errorf("step measured %s = %s, but the summary does not say %q", name, want, want)
				}
			}
			if checked == 0 {
				t.Errorf("no measurement of a step is repeated in the summary: nothing was compared")
			}
		})
	}
}
