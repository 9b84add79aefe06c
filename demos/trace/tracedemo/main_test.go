package tracedemo_test

import (
	"testing"

	"github.com/netdemo/netdemo/demos"
	"github.com/netdemo/netdemo/internal/demo"
)

// traceDemo is the demo as the registry holds it, explanation included.
func traceDemo(t testing.TB) *demo.Demo {
	t.Helper()
	return demos.Lookup("trace")
}

// lossSeed is a seed for which --loss 0.1 drops a TCP segment of the
// exchange (checked by TestLossShowsRetransmissions).
const lossSeed = "8"
