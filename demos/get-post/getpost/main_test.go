package getpost

import (
	"os"
	"testing"

	"github.com/netdemo/netdemo/internal/child"
)

// TestMain lets the test binary be the server child of the crash step.
func TestMain(m *testing.M) {
	child.Dispatch()
	os.Exit(m.Run())
}
