package tracedemo_test

import (
	"os"
	"testing"

	"github.com/netdemo/netdemo/demos/trace/tracedemo"
	"github.com/netdemo/netdemo/internal/demo"
)

// traceDemo is the demo with its explanation files. (The demos registry
// would set Docs; it is bypassed while other demos in it do not build.)
func traceDemo(t testing.TB) *demo.Demo {
	t.Helper()
	d := *tracedemo.Demo
	d.Docs = os.DirFS("..")
	return &d
}

// lossSeed is a seed for which --loss 0.1 drops a TCP segment of the
// exchange (checked by TestLossShowsRetransmissions).
const lossSeed = "8"
