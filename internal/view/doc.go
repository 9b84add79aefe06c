// Package view renders a run's events ([event.Event]) for a reader: [Text]
// for a terminal or a pipe, [JSONLines] for --json. The web view
// (internal/web) is a third renderer over the same events.
//
// The text view owns everything about presentation that demos used to do
// by hand: colour, wrapping prose to the terminal's width (measured in
// display cells, so Chinese lines up), laying tables out so they fit, and
// pacing (--step waits for Enter between steps).
package view

import "github.com/netdemo/netdemo/internal/event"

// View renders events as they come. Emit is called from one goroutine at a
// time (the run serialises it); Close flushes what the view holds.
type View interface {
	Emit(e event.Event)
	Close()
}
