//go:build !unix

package tcplife

import "context"

func observeRebind() (rebind, error) { return rebind{}, errNeedsUnix }

func observeBacklog(context.Context, bool) (backlogRun, error) { return backlogRun{}, errNeedsUnix }
