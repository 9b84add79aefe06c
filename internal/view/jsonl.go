package view

import (
	"io"

	"github.com/netdemo/netdemo/internal/event"
)

// JSONLines writes each event as one line of JSON (--json). Progress is
// left out: it is a terminal's affair, and the stream stays a record of
// what the run found.
type JSONLines struct{ Out io.Writer }

// Emit writes e.
func (v JSONLines) Emit(e event.Event) {
	if _, ok := e.(*event.Progress); ok {
		return
	}
	b, err := event.Marshal(e)
	if err != nil {
		c := event.NewCustom("error", map[string]any{"error": err.Error()})
		*event.HeadOf(c) = *event.HeadOf(e)
		event.HeadOf(c).Kind = "error"
		b, _ = event.Marshal(c)
	}
	v.Out.Write(append(b, '\n'))
}

// Close does nothing: every line is written as it comes.
func (JSONLines) Close() {}
