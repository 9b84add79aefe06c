//go:build unix

package workers

import (
	"context"
	"testing"
	"time"
)

// The cost figures of the demo as benchmarks: go test -bench . -run '^$'
// ./demos/workers/workers/. Each op is one unit (create), one round trip
// (switch: the ns/switch metric is half of it) or one request.

func BenchmarkCreateGoroutine(b *testing.B) {
	createGoroutines(b.N)
}

// BenchmarkCreateThread makes and ends one OS thread per op. No child
// process may run meanwhile (see createThreads).
func BenchmarkCreateThread(b *testing.B) {
	_, ids := createThreads(b.N)
	if b.N >= 100 && ids > 0 {
		b.ReportMetric(float64(ids)/float64(b.N), "threads/op")
	}
}

func BenchmarkCreateProcess(b *testing.B) {
	if _, err := createProcesses(context.Background(), b.N); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkSwitchGoroutine(b *testing.B) {
	per := switchGoroutines(b.N)
	b.ReportMetric(float64(per.Nanoseconds()), "ns/switch")
}

func BenchmarkRequest(b *testing.B) {
	for _, tc := range []struct {
		name    string
		workers int
	}{{"prefork-4", 4}, {"one-process", 1}} {
		b.Run(tc.name, func(b *testing.B) {
			m, err := startMaster(context.Background(), "127.0.0.1:0", tc.workers, false)
			if err != nil {
				b.Fatal(err)
			}
			defer m.Stop(time.Second)
			b.ResetTimer()
			sl := measureLoad(context.Background(), m, b.N, 8)
			if sl.Failed > 0 {
				b.Fatalf("%d of %d requests failed", sl.Failed, b.N)
			}
		})
	}
}

// The kernel switches pin threads to one CPU; threads the runtime clones
// meanwhile keep that mask, so these run last.

func BenchmarkSwitchProcess(b *testing.B) {
	per, _, err := switchProcesses(context.Background(), b.N)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(per.Nanoseconds()), "ns/switch")
}

func BenchmarkSwitchThread(b *testing.B) {
	per, _, err := switchThreads(b.N)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(per.Nanoseconds()), "ns/switch")
}
