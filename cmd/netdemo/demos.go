package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/netdemo/netdemo/demos"
	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/explain"
	"github.com/netdemo/netdemo/internal/term"
	"github.com/netdemo/netdemo/internal/view"
)

var cmdRun = &command{
	UsageLine: "run NAME [flags]",
	Short:     "run one demo (same as go run ./demos/NAME)",
	Run: func(ctx context.Context, args []string, stdio demo.IO) error {
		if len(args) == 0 || strings.HasPrefix(args[0], "-") {
			return &demo.UsageError{Msg: "run needs a demo name: " + strings.Join(demos.Names(), ", "), Zh: "run 需要一个演示的名字：" + strings.Join(demos.Names(), "、")}
		}
		d, err := lookup(args[0])
		if err != nil {
			return err
		}
		_, err = demo.Execute(ctx, d, args[1:], stdio)
		return err
	},
}

var cmdList = &command{
	UsageLine: "list [--lang en|zh]",
	Short:     "each demo with the interview question it answers",
	Run: func(ctx context.Context, args []string, stdio demo.IO) error {
		o, err := demo.ParseCommon("list", args)
		if err != nil {
			return err
		}
		st := term.NewStyle(stdio.Out, o.NoColor)
		for _, d := range demos.All() {
			if o.Lang == "zh" {
				fmt.Fprintf(stdio.Out, "%-10s %s\n%-10s %s\n\n", st.Bold(d.Name), d.Question.Zh, "", st.Dim(d.Summary.Zh))
				continue
			}
			fmt.Fprintf(stdio.Out, "%-10s %s\n%-10s %s\n%-10s %s\n\n", st.Bold(d.Name), d.Question.Zh, "", d.Question.En, "", st.Dim(d.Summary.En))
		}
		return nil
	},
}

var cmdExplain = &command{
	UsageLine: "explain NAME [--lang en|zh]",
	Short:     "print a demo's explanation without running it",
	Run: func(ctx context.Context, args []string, stdio demo.IO) error {
		if len(args) == 0 || strings.HasPrefix(args[0], "-") {
			return &demo.UsageError{Msg: "explain needs a demo name: " + strings.Join(demos.Names(), ", "), Zh: "explain 需要一个演示的名字：" + strings.Join(demos.Names(), "、")}
		}
		d, err := lookup(args[0])
		if err != nil {
			return err
		}
		o, err := demo.ParseCommon("explain", args[1:])
		if err != nil {
			return err
		}
		doc, err := d.Explanation(o.Lang)
		if err != nil {
			return err
		}
		st := term.NewStyle(stdio.Out, o.NoColor)
		width := view.Width(stdio.Out)
		fmt.Fprintf(stdio.Out, "%s\n\n", st.Bold(doc.Title))
		// Without a run there are no numbers: each placeholder shows as
		// "…", and a line before the section says where the numbers come
		// from, instead of {{name}}.
		unmeasured := map[string]any{}
		for _, id := range doc.Order {
			for _, name := range explain.Placeholders(doc.Sections[id]) {
				unmeasured[name] = "…"
			}
		}
		for _, id := range doc.Order {
			text, missing := explain.Fill(doc.Sections[id], unmeasured)
			if len(explain.Placeholders(doc.Sections[id])) > 0 || len(missing) > 0 {
				text = explain.WithHeadingNote(text, o.T(
					"(Each … is a number measured when you run it: go run ./demos/"+d.Name+")",
					"（每个 … 都是运行时测得的数字：go run ./demos/"+d.Name+"）"))
			}
			for _, line := range view.Markdown(text, width, st) {
				fmt.Fprintln(stdio.Out, line)
			}
			fmt.Fprintln(stdio.Out)
		}
		return nil
	},
}

var cmdTour = &command{
	UsageLine: "tour [--step] [flags]",
	Short:     "every demo in order (--step pauses between steps)",
	Run: func(ctx context.Context, args []string, stdio demo.IO) error {
		o, err := demo.ParseCommon("tour", args)
		if err != nil {
			return err
		}
		if o.Serve {
			return &demo.UsageError{Msg: "--serve is for one demo: netdemo run NAME --serve", Zh: "--serve 只用于单个演示：netdemo run NAME --serve"}
		}
		for i, d := range demos.All() {
			if i > 0 && !o.JSON {
				fmt.Fprintf(stdio.Out, "\n%s\n\n", strings.Repeat("═", 72))
			}
			// Each demo parses the same flags over its own defaults, so a
			// link flag the user did not give keeps the demo's default; a
			// flag a demo does not take (--rtt for a demo without a lab)
			// is left out for it.
			if _, err := demo.Execute(ctx, d, demo.ArgsFor(d, args), stdio); err != nil {
				return err
			}
		}
		return nil
	},
}

func lookup(name string) (*demo.Demo, error) {
	if d := demos.Lookup(name); d != nil {
		return d, nil
	}
	return nil, &demo.UsageError{Msg: fmt.Sprintf("no demo %q; the demos are: %s", name, strings.Join(demos.Names(), ", ")),
		Zh: fmt.Sprintf("没有名为 %q 的演示；现有的演示：%s", name, strings.Join(demos.Names(), "、"))}
}
