package demo_test

import (
	"context"
	"os"
	"testing/fstest"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
)

// A demo is a value: its question, its own flags as a struct, and a Run
// that says what it observed through the run — never by printing.
func Example() {
	type params struct {
		Count int `flag:"count" help:"how many to count" min:"1" max:"10"`
	}
	readme := "# Counting\n\n<!-- section: short -->\nCount.\n\n<!-- section: deep -->\n## Step by step\n\n<!-- step: count -->\n### Counting\nOne by one.\n\n" +
		"<!-- section: saw -->\n## What you just saw\nIt counted to {{total}}.\n\n<!-- section: refs -->\nRFC 1149.\n"
	d := &demo.Demo{
		Name:     "count",
		Question: demo.Question{Zh: "怎么数数", En: "How do you count?"},
		NoLab:    true, // no --rtt, --loss, --seed, --pcap
		Params:   func() any { return &params{Count: 3} },
		Run: func(ctx context.Context, r *demo.Run) error {
			p := demo.ParamsOf[*params](r)
			r.Step("count", r.T("Counting", "数数"))
			t := event.NewTable("counts", "n", r.T("square", "平方"))
			for i := 1; i <= p.Count; i++ {
				t.Row(i, i*i)
			}
			r.Table(t)
			r.Measure("total", p.Count, "")
			r.Result(map[string]any{"total": p.Count})
			return nil
		},
		Docs: fstest.MapFS{"README.md": {Data: []byte(readme)}, "README.zh.md": {Data: []byte(readme)}},
	}
	demo.Execute(context.Background(), d, []string{"--count", "2", "--lang", "en"}, demo.IO{Out: os.Stdout, Err: os.Stderr})
	// Output:
	// Counting
	// 「怎么数数」 How do you count?
	//
	// Count.
	//
	// ── 1. Counting
	// One by one.
	//   n  square
	//   1       1
	//   2       4
	//   total: 2
	//
	// What you just saw
	// It counted to 2.
	//
	// More — common wrong answers, follow-up questions, references: netdemo explain count
}
