//go:build linux

package tcplife

import (
	"context"
	"testing"
	"time"
)

// TestCloseWaitCleared checks the pile and the fix: one CLOSE_WAIT socket
// per client while the server forgets, none once it closes, so the demo
// leaves none behind.
func TestCloseWaitCleared(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cw, err := observeCloseWait(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	if cw.Piled != 3 || cw.After != 0 {
		t.Errorf("CLOSE_WAIT: %d while the server forgot, %d after it closed; want 3, then 0", cw.Piled, cw.After)
	}
}

// TestLifeStates checks one connection's close, state by state, and that
// the TIME_WAIT timer was read.
func TestLifeStates(t *testing.T) {
	lf, err := observeLife(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := names(lf.Active); len(got) < 2 || got[len(got)-1] != "TIME_WAIT" {
		t.Errorf("active closer %v, want it to end in TIME_WAIT", got)
	}
	if lf.PassiveGone == 0 {
		t.Errorf("passive closer %v never left the table, want it CLOSED after its LAST_ACK", names(lf.Passive))
	}
	if lf.TimeWaitTimer != 3 || lf.TimeWaitLeft < 50*time.Second {
		t.Errorf("TIME_WAIT timer %d with %v left, want timer 3 and most of Linux's 60 s", lf.TimeWaitTimer, lf.TimeWaitLeft)
	}
}
