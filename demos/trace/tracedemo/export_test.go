package tracedemo

import "github.com/netdemo/netdemo/demos/trace/tracedemo/live"

// SetLiveOpener replaces the raw-socket opener (to simulate a missing
// privilege) and returns a func that restores it.
func SetLiveOpener(f func(live.Filter) (*live.Capture, error)) (restore func()) {
	old := openLive
	openLive = f
	return func() { openLive = old }
}
