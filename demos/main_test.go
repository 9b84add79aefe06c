package demos

import (
	"os"
	"testing"

	"github.com/netdemo/netdemo/internal/child"
)

// TestMain lets this test binary serve as the demos' child processes
// (get-post's crashing server, workers' pre-fork workers, io-mux's
// servers) when a test runs those demos.
func TestMain(m *testing.M) {
	child.Dispatch()
	os.Exit(m.Run())
}
