package servers

import (
	"errors"
	"net"
	"sync"
)

// Accept runs handle in a goroutine of its own for each connection ln
// accepts, until ln is closed. It returns a function that closes ln and
// waits for the accept loop and every handler to return, so a caller's
// cleanup leaves nothing running.
func Accept(ln net.Listener, handle func(net.Conn)) (stop func()) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				if errors.Is(err, net.ErrClosed) {
					return
				}
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					continue
				}
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				handle(c)
			}()
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() { ln.Close() })
		wg.Wait()
	}
}
