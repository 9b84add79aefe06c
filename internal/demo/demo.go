package demo

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/netdemo/netdemo/internal/explain"
	"github.com/netdemo/netdemo/internal/lab"
)

// Demo is one runnable answer to an interview question.
type Demo struct {
	Name     string   // folder name under demos/, e.g. "tcp-udp"
	Question Question // as the seed asks it, and in English
	Summary  Text     // one line for `netdemo list`
	Port     int      // default port of --serve (--addr 127.0.0.1:Port)
	Link     lab.Link // lab link defaults for --rtt, --loss, ...

	// NoLab says the demo never uses the virtual lab: it is offered no
	// link flags, --seed or --pcap.
	NoLab bool
	// Unix says the demo needs a Unix system (raw system calls, fork,
	// signals): elsewhere it says so and exits.
	Unix bool

	// Params, when set, returns a pointer to a new struct of the demo's
	// own flags with their defaults (see params.go); a run reads it with
	// ParamsOf.
	Params func() any
	// Run shows the demo once and returns.
	Run func(ctx context.Context, r *Run) error
	// Serve keeps the demo's real servers up on r.Addr until ctx is done
	// (--serve). Nil means the demo has nothing to serve.
	Serve func(ctx context.Context, r *Run) error

	// Docs holds README.md and README.zh.md; the demos registry sets it.
	Docs fs.FS
}

// Question is an interview question in both languages.
type Question struct {
	Zh string // as the seed asks it
	En string
}

// Text is a short string in both languages.
type Text struct{ En, Zh string }

// In picks the language.
func (t Text) In(lang string) string {
	if lang == "zh" && t.Zh != "" {
		return t.Zh
	}
	return t.En
}

// DocFile names the explanation file of a language.
func DocFile(lang string) string {
	if lang == "zh" {
		return "README.zh.md"
	}
	return "README.md"
}

// Explanation parses the demo's explanation in lang.
func (d *Demo) Explanation(lang string) (*explain.Doc, error) {
	if d.Docs == nil {
		return nil, fmt.Errorf("%s: no explanation files registered", d.Name)
	}
	b, err := fs.ReadFile(d.Docs, DocFile(lang))
	if err != nil {
		return nil, fmt.Errorf("%s: reading explanation: %w", d.Name, err)
	}
	doc, err := explain.Parse(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", d.Name, DocFile(lang), err)
	}
	return doc, nil
}
