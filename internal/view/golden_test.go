package view

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/netdemo/netdemo/internal/event"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// readEvents decodes a JSON Lines event stream, as --json writes it.
func readEvents(t *testing.T, path string) []event.Event {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var evs []event.Event
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		e, err := event.Decode(sc.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		evs = append(evs, e)
	}
	return evs
}

// TestGolden renders fixed event streams through both views and compares
// with the files in testdata: the text view at two widths and languages,
// and the JSON Lines view, which must give back its input.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		in, lang string
		width    int
	}{
		{"run.jsonl", "en", 72},
		{"run.jsonl", "en", 40},
		{"run_zh.jsonl", "zh", 40},
	} {
		evs := readEvents(t, filepath.Join("testdata", tc.in))
		var b bytes.Buffer
		v := &Text{Out: &b, Err: io.Discard, Lang: tc.lang, Width: tc.width}
		for _, e := range evs {
			v.Emit(e)
		}
		golden := filepath.Join("testdata", fmt.Sprintf("%s.w%d.txt", tc.in[:len(tc.in)-len(".jsonl")], tc.width))
		if *update {
			os.WriteFile(golden, b.Bytes(), 0o644)
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update once to write it)", err)
		}
		if b.String() != string(want) {
			t.Errorf("%s at width %d differs from %s:\n%s", tc.in, tc.width, golden, b.String())
		}
		for i, line := range bytes.Split(b.Bytes(), []byte("\n")) {
			if c := Cells(string(line)); c > tc.width {
				t.Errorf("%s width %d: line %d is %d cells: %q", tc.in, tc.width, i+1, c, line)
			}
		}

		var j bytes.Buffer
		jv := JSONLines{Out: &j}
		for _, e := range evs {
			jv.Emit(e)
		}
		in, _ := os.ReadFile(filepath.Join("testdata", tc.in))
		if j.String() != string(in) {
			t.Errorf("JSON Lines view of %s is not its input:\n%s", tc.in, j.String())
		}
	}
}
