//go:build unix

package workers

import (
	"context"
	"runtime"
	"testing"
	"time"
)

// TestLostUpdates runs the race in a child process (never in the test's own
// process, so -race stays clean here): plain increments lose some, a mutex
// and an atomic lose none.
func TestLostUpdates(t *testing.T) {
	var rr raceRun
	// One try can overlap badly on a busy machine; five cannot all miss
	// when there are two cores.
	for try := 0; try < 5; try++ {
		var err error
		if rr, err = observeLostUpdates(context.Background(), 4, 100*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if rr.Unsynchronised > 0 {
			break
		}
	}
	t.Logf("lost: %+v", rr)
	if runtime.NumCPU() >= 2 && rr.Unsynchronised <= 0 {
		// Losses need two goroutines running at the same instant on two
		// cores; a machine this busy may never give them two.
		if la, ok := loadAverage(); ok && la > 2*float64(runtime.NumCPU()) {
			t.Skipf("no update lost in 5 tries, at load average %.1f on %d CPUs: the goroutines had no two cores at once", la, runtime.NumCPU())
		}
		t.Errorf("unsynchronised lost %d updates in 5 tries on %d CPUs, want > 0", rr.Unsynchronised, runtime.NumCPU())
	}
	// The child repeats a run of plain increments that lost nothing, and
	// stops at the first that lost some.
	switch {
	case rr.UnsyncRuns < 1 || rr.UnsyncRuns > raceRuns:
		t.Errorf("unsynchronised_runs = %d, want 1 to %d", rr.UnsyncRuns, raceRuns)
	case rr.Unsynchronised == 0 && rr.UnsyncRuns != raceRuns:
		t.Errorf("nothing lost after %d runs, want the child to try %d", rr.UnsyncRuns, raceRuns)
	}
	if rr.UnsyncCPUs <= 0 || rr.UnsyncCPUs > float64(runtime.NumCPU())*1.2 {
		t.Errorf("unsynchronised_cpus = %v, want CPU time / wall time between 0 and the %d CPUs", rr.UnsyncCPUs, runtime.NumCPU())
	}
	if rr.Mutex != 0 || rr.Atomic != 0 {
		t.Errorf("mutex lost %d, atomic lost %d, want 0 and 0", rr.Mutex, rr.Atomic)
	}
	if rr.RaceDetector != raceEnabled {
		t.Errorf("child race_detector = %v, want %v like this binary", rr.RaceDetector, raceEnabled)
	}
	if raceEnabled && rr.DataRaces == 0 {
		t.Errorf("the race detector in the child reported no data race on the plain counter")
	}
}

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		a, b int
		want string
	}{{966, 176494592, "0.00055"}, {3119078, 265543680, "1.2"}, {1, 2, "50.0"}, {0, 5, "0"}, {3, 0, "0"}} {
		if got := percent(c.a, c.b); got != c.want {
			t.Errorf("percent(%d, %d) = %q, want %q", c.a, c.b, got, c.want)
		}
	}
}
