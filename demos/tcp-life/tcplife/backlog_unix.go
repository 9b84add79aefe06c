//go:build unix

package tcplife

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// observeBacklog listens with a tiny backlog on a raw socket (so that the
// argument reaches listen(2) as given; Go's net.Listen passes somaxconn),
// connects clients one after another, and calls accept() only now and
// then. While the accept queue is full the kernel drops a new client's SYN
// without a word, and the client's kernel sends it again after its
// retransmission timeout (see synSchedule).
//
// Default: the queue's worth of clients plus one, and one accept() at
// 0.5 s, so the last client connects on its first retransmission. long
// adds a client, dialing 0.3 s later, that misses the freed slot and needs
// a later retransmission, after a second accept() at 2 s.
func observeBacklog(ctx context.Context, long bool) (backlogRun, error) {
	out := backlogRun{Backlog: listenBacklog}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		return out, fmt.Errorf("socket: %w", err)
	}
	closeOnce := sync.OnceFunc(func() { unix.Close(fd) })
	defer closeOnce()
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		return out, fmt.Errorf("bind 127.0.0.1:0: %w", err)
	}
	if err := unix.Listen(fd, listenBacklog); err != nil {
		return out, fmt.Errorf("listen: %w", err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return out, fmt.Errorf("getsockname: %w", err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*unix.SockaddrInet4).Port)

	// The queue's worth, then one client that waits; with long, one more
	// dialing 0.3 s later, whose first retransmission finds the queue full
	// again.
	queued := listenBacklog + 1
	out.Clients = queued + 1
	accepts := []time.Duration{500 * time.Millisecond}
	if long {
		out.Clients++
		accepts = append(accepts, 2000*time.Millisecond)
	}
	out.ConnectMS = make([]float64, out.Clients)
	out.Errors = make([]string, out.Clients)

	var conns []net.Conn
	var mu sync.Mutex
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	}()
	over0, counted := listenOverflows()
	start := time.Now()
	dial := func(i int) {
		d := net.Dialer{Timeout: 6 * time.Second}
		t0 := time.Now()
		c, err := d.DialContext(ctx, "tcp4", addr)
		if err != nil {
			out.ConnectMS[i], out.Errors[i] = -1, err.Error()
			return
		}
		out.ConnectMS[i] = ms(time.Since(t0))
		mu.Lock()
		conns = append(conns, c)
		mu.Unlock()
	}
	for i := range queued {
		dial(i)
	}
	var wg sync.WaitGroup
	for i := queued; i < out.Clients; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); dial(i) }()
		if i+1 < out.Clients {
			time.Sleep(300 * time.Millisecond)
		}
	}
	var accepted []int
	defer func() {
		for _, a := range accepted {
			unix.Close(a)
		}
	}()
	for _, at := range accepts {
		select {
		case <-time.After(time.Until(start.Add(at))):
		case <-ctx.Done():
			return out, ctx.Err()
		}
		nfd, _, err := unix.Accept(fd)
		if err != nil {
			return out, fmt.Errorf("accept: %w", err)
		}
		accepted = append(accepted, nfd)
		out.AcceptsAt = append(out.AcceptsAt, time.Since(start))
	}
	wg.Wait()
	if over1, ok := listenOverflows(); ok && counted {
		out.Overflows = int(over1 - over0)
	} else {
		out.Overflows = -1
	}
	return out, nil
}
