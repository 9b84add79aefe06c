//go:build unix

package tcplife

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"
)

// observeRebind makes a TIME_WAIT socket on a listener's port (the server
// closes first), closes the listener, and binds the port again with raw
// system calls: once without SO_REUSEADDR, once with it (Go's net package
// sets it on every listener, which is why a Go server restarts cleanly).
func observeRebind() (rebind, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return rebind{}, fmt.Errorf("listening on 127.0.0.1: %w", err)
	}
	addr := netip.MustParseAddrPort(ln.Addr().String())
	out := rebind{Port: addr.Port()}
	c, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		ln.Close()
		return out, fmt.Errorf("connecting: %w", err)
	}
	s, err := ln.Accept()
	if err != nil {
		ln.Close()
		c.Close()
		return out, fmt.Errorf("accepting: %w", err)
	}
	s.Close()                         // the server closes first: TIME_WAIT on its port
	io.Copy(io.Discard, c)            // the client sees the FIN …
	c.Close()                         // … and closes: its FIN is acknowledged
	time.Sleep(10 * time.Millisecond) // loopback delivers it in far less
	ln.Close()                        // the server "restarts"
	out.Without = tryBind(addr, false)
	out.With = tryBind(addr, true)
	out.EADDRINUSE = out.Without == unix.EADDRINUSE.Error()
	return out, nil
}

// tryBind binds a fresh socket to addr and says what bind returned.
func tryBind(addr netip.AddrPort, reuse bool) string {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		return "socket: " + err.Error()
	}
	defer unix.Close(fd)
	if reuse {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
			return "setsockopt: " + err.Error()
		}
	}
	err = unix.Bind(fd, &unix.SockaddrInet4{Port: int(addr.Port()), Addr: addr.Addr().As4()})
	var errno unix.Errno
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &errno):
		return errno.Error()
	}
	return err.Error()
}
