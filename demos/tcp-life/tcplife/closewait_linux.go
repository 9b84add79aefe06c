//go:build linux

package tcplife

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"time"
)

// observeCloseWait starts a server that reads each connection to the end
// and never closes it. Every client says goodbye (close), the kernel
// acknowledges the FIN and moves the server's socket to CLOSE_WAIT, where
// it stays until the application calls close: the kernel cannot close a
// socket the application still holds.
func observeCloseWait(ctx context.Context, clients int) (closeWait, error) {
	out := closeWait{Clients: clients}
	d, err := openDiag()
	if err != nil {
		return out, err
	}
	defer d.Close()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return out, fmt.Errorf("listening on 127.0.0.1: %w", err)
	}
	defer ln.Close()
	port := netip.MustParseAddrPort(ln.Addr().String()).Port()

	held := make(chan net.Conn, clients)
	go func() {
		for range clients {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				io.Copy(io.Discard, c) // the client's EOF arrives …
				held <- c              // … and the server forgets to Close.
			}()
		}
	}()
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range clients {
		c, err := net.Dial("tcp4", ln.Addr().String())
		if err != nil {
			return out, fmt.Errorf("client connecting: %w", err)
		}
		c.Write([]byte("hello\n"))
		c.Close()
	}
	for range clients {
		select {
		case c := <-held:
			conns = append(conns, c)
		case <-time.After(2 * time.Second):
			return out, fmt.Errorf("the server saw %d of %d clients hang up", len(conns), clients)
		case <-ctx.Done():
			return out, ctx.Err()
		}
	}
	count := func(st kstate) (int, error) {
		socks, err := d.dump(st)
		n := 0
		for _, s := range socks {
			if s.Local.Port() == port {
				n++
			}
		}
		return n, err
	}
	if out.Piled, err = count(kCloseWait); err != nil {
		return out, err
	}

	// The fix: close what was accepted.
	for _, c := range conns {
		c.Close()
	}
	conns = nil
	deadline := time.Now().Add(time.Second)
	for {
		if out.After, err = count(kCloseWait); err != nil || out.After == 0 || time.Now().After(deadline) {
			return out, err
		}
		time.Sleep(time.Millisecond)
	}
}
