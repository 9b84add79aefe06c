package demos

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
)

// BenchmarkDefaultRun runs each demo with its defaults, as `go run
// ./demos/NAME` does, and reports its wall time (the target is under 3 s
// each on an idle 2-core machine; tcp-life under 5 s). It is a benchmark,
// not a test: a loaded machine makes every demo slower, and that is no
// failure.
//
//	go test -run '^$' -bench DefaultRun -benchtime 1x ./demos/
func BenchmarkDefaultRun(b *testing.B) {
	for _, d := range All() {
		b.Run(d.Name, func(b *testing.B) {
			var total time.Duration
			for range b.N {
				start := time.Now()
				if _, err := demo.Execute(context.Background(), d, []string{"--json"}, demo.IO{Out: io.Discard, Err: io.Discard}); err != nil {
					b.Fatal(err)
				}
				total += time.Since(start)
			}
			b.ReportMetric(total.Seconds()/float64(b.N), "s/run")
		})
	}
}
