package child

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// signalContext is cancelled when the child is asked to stop, so that its
// body can finish in-flight work (a graceful worker) before it returns.
func signalContext() context.Context {
	ctx, _ := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	return ctx
}
