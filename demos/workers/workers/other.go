//go:build !unix

package workers

import (
	"context"
	"errors"

	"github.com/netdemo/netdemo/internal/demo"
)

// errNeedsUnix is what the demo says where fork/exec, signals, pipes and
// /proc are not there. The runner refuses first (Demo.Unix); this is for a
// caller that calls Run directly.
var errNeedsUnix = errors.New("workers needs a Unix system (Linux or macOS)")

func run(ctx context.Context, r *demo.Run) error   { return errNeedsUnix }
func serve(ctx context.Context, r *demo.Run) error { return errNeedsUnix }
