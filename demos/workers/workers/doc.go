// Package workers is the workers demo: "项目里涉及到的多线程/多进程" and
// "线程和进程的区别，python多线程，GIL", answered by running processes,
// OS threads and goroutines side by side and measuring them.
//
// Every unit is real. A process is the netdemo binary executed again as a
// named child (internal/child); an OS thread is a goroutine locked to its own
// thread with runtime.LockOSThread (the runtime makes a new thread for it and
// ends that thread when the goroutine exits locked); a goroutine is a
// goroutine. The run measures, in this order (the order matters, see
// run.go):
//
//   - create.go: create and wait for one unit of each kind;
//   - memory.go: what idle units cost (RSS and PSS from /proc, the runtime's
//     goroutine stack sizes read from runtime/metrics);
//   - pingpong.go: a context switch, as a one-byte ping-pong over pipes
//     (processes, threads) or an unbuffered channel (goroutines);
//   - isolation.go: a counter changed in a child process is not the
//     parent's; four goroutines racing on one counter lose updates;
//   - crash.go: a worker process that crashes leaves the others serving, a
//     goroutine that panics ends its whole process;
//   - a pre-fork server (gunicorn's model): master.go binds, starts and
//     reaps the workers (worker.go) that accept from one inherited listening
//     socket; prefork.go kills one under load (load.go) and watches it
//     respawn, compares with one process, and stops them with SIGTERM;
//     serve.go keeps it up for curl (--serve);
//   - gil.go: CPython's GIL with the real python3 (gil.py) and the same
//     workloads in Go under GOMAXPROCS=1 and NumCPU (gowork.go).
//
// All of it needs Unix (fork/exec, signals, pipes, /proc): those files carry
// a unix build tag, and other.go says so elsewhere.
package workers
