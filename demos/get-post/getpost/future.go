package getpost

import "context"

// future is a measurement running in the background while earlier steps
// print: the steps on the lab and the slow ones (slowloris, the crash)
// measure at the same time, and each is narrated when its turn comes, in
// step order.
type future[T any] struct {
	done chan struct{}
	v    T
	err  error
}

func measure[T any](f func() (T, error)) *future[T] {
	fu := &future[T]{done: make(chan struct{})}
	go func() {
		defer close(fu.done)
		fu.v, fu.err = f()
	}()
	return fu
}

// wait returns the measurement once it is done.
func (f *future[T]) wait(ctx context.Context) (T, error) {
	select {
	case <-f.done:
		return f.v, f.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
