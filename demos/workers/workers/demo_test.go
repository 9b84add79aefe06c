//go:build unix

package workers

import (
	"os"
	"testing"

	"github.com/netdemo/netdemo/internal/child"
	"github.com/netdemo/netdemo/internal/demo/demotest"
)

func TestMain(m *testing.M) {
	child.Dispatch()
	if Demo.Docs == nil {
		// The demos registry embeds the explanation; the package's own
		// tests read it from the folder.
		Demo.Docs = os.DirFS("..")
	}
	os.Exit(m.Run())
}

func TestDefaults(t *testing.T) {
	o := demotest.Run(t, Demo)
	t.Log(o.Result)
}
