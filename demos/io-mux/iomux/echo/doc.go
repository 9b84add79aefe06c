// Package echo holds one protocol — every byte a client sends comes back
// to it — served five ways, so that the only thing that differs between
// them is how the server waits for sockets:
//
//   - [Threads]: one OS thread per connection, each blocked in read(2) on
//     its own descriptor (a goroutine locked to its thread);
//   - [Select]: one thread, one select(2) call over every descriptor;
//   - [Poll]: one thread, one poll(2) call over every descriptor;
//   - [Epoll]: one thread and the kernel's ready list: epoll(7) on Linux,
//     kqueue(2) on macOS, level- or edge-triggered;
//   - [Netpoll]: Go's net package, a goroutine per connection on the
//     runtime's own epoll/kqueue.
//
// The first four are written against raw system calls (golang.org/x/sys/
// unix), one file per mechanism and, where the call differs, per OS
// (epoll_linux.go, kqueue_darwin.go) under the small readyQueue interface,
// so the loop above reads the same on both. Each server counts its
// wake-ups and the descriptors it examined after each one: that count is
// the difference between select/poll and epoll.
//
// Typical usage:
//
//	s, err := echo.Listen(echo.Epoll, "127.0.0.1:0", echo.Config{})
//	defer s.Close()
//	conn, _ := net.Dial("tcp", s.Addr())
package echo
