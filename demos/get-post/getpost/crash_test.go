package getpost

import (
	"testing"

	"github.com/netdemo/netdemo/internal/servers/orders"
)

// TestCrashRun kills a real server child after its commit and before its
// answer, and retries after a restart: the key kept in the order's
// transaction is replayed (one order); a key kept in memory is lost with
// the process, and the retry makes a second order.
func TestCrashRun(t *testing.T) {
	for _, tc := range []struct {
		inMemory     bool
		wantOrders   int
		wantReplayed bool
	}{
		{false, 1, true},
		{true, 2, false},
	} {
		o, err := crashRun(t.Context(), tc.inMemory, "crash-test")
		if err != nil {
			t.Fatalf("keys in memory %v: %v", tc.inMemory, err)
		}
		if o.firstErr == "" || o.pid == o.pid2 {
			t.Errorf("keys in memory %v: first request error %q, pids %d then %d; want an error and a new process", tc.inMemory, o.firstErr, o.pid, o.pid2)
		}
		replayed := o.retry.Header.Get(orders.ReplayedHeader) == "true"
		if o.retry.Status != 201 || replayed != tc.wantReplayed || o.orders != tc.wantOrders {
			t.Errorf("keys in memory %v: retry %d replayed %v, %d orders; want 201, replayed %v, %d orders",
				tc.inMemory, o.retry.Status, replayed, o.orders, tc.wantReplayed, tc.wantOrders)
		}
	}
}
