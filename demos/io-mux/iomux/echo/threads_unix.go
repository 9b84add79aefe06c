//go:build linux || darwin

package echo

import (
	"errors"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// threadServer is the oldest model: one OS thread per connection, each
// blocked in read(2) on its own blocking descriptor. The kernel does the
// multiplexing by scheduling threads; each thread's wait is for one
// descriptor only. A goroutine that calls runtime.LockOSThread and exits
// without unlocking takes its thread with it, so threads come and go with
// connections.
type threadServer struct {
	counters
	lfd, port int
	addr      string
	readBuf   int
	reg       registry
	stopping  atomic.Bool
	wg        sync.WaitGroup
	closeOnce sync.Once
}

func listenThreads(addr string, cfg Config) (*threadServer, error) {
	lfd, port, err := listenTCP(addr, false)
	if err != nil {
		return nil, err
	}
	s := &threadServer{lfd: lfd, port: port, addr: hostPort(addr, port), readBuf: cfg.readBuf()}
	s.wg.Add(1)
	go s.acceptLoop()
	return s, nil
}

func (s *threadServer) Addr() string { return s.addr }
func (s *threadServer) Stats() Stats { return s.stats(s.reg.count()) }
func (s *threadServer) Unread() int  { return s.reg.unread() }

func (s *threadServer) acceptLoop() {
	defer s.wg.Done()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for {
		fd, err := accept(s.lfd, false)
		if s.stopping.Load() {
			if err == nil {
				unix.Close(fd)
			}
			return
		}
		if err != nil {
			if isTemporary(err) {
				if !errors.Is(err, unix.EINTR) {
					time.Sleep(5 * time.Millisecond)
				}
				continue
			}
			return
		}
		s.lastFD.Store(int64(fd))
		s.accepted.Add(1)
		s.wg.Add(1)
		go s.serveConn(fd)
	}
}

// serveConn is one connection's thread: read, write it all back, repeat.
func (s *threadServer) serveConn(fd int) {
	defer s.wg.Done()
	// Never unlocked: when this goroutine returns, its thread exits.
	runtime.LockOSThread()
	// Registered once its thread runs, so that Stats counts connections
	// that have a thread of their own.
	if !s.reg.add(fd) {
		unix.Close(fd)
		return
	}
	defer func() {
		s.reg.remove(fd)
		unix.Close(fd)
	}()
	buf := make([]byte, s.readBuf)
	for {
		n, err := unix.Read(fd, buf)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil || n <= 0 {
			return // error, or the peer closed (0 bytes: end of file)
		}
		s.wakes.Add(1)
		s.scanned.Add(1)
		if err := writeAll(fd, buf[:n]); err != nil {
			return
		}
		s.bytes.Add(int64(n))
	}
}

// writeAll writes b on a blocking descriptor.
func writeAll(fd int, b []byte) error {
	for len(b) > 0 {
		n, err := unix.Write(fd, b)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// Close shuts every connection down (waking its thread), then wakes the
// accepting thread with a connection of its own and waits for all of them.
func (s *threadServer) Close() error {
	s.closeOnce.Do(func() {
		s.stopping.Store(true)
		s.reg.shutdownAll()
		if c, err := net.DialTimeout("tcp", s.addr, time.Second); err == nil {
			c.Close()
		} else {
			// Linux also wakes accept on shutdown of the listener.
			unix.Shutdown(s.lfd, unix.SHUT_RDWR)
		}
		s.wg.Wait()
		unix.Close(s.lfd)
	})
	return nil
}
