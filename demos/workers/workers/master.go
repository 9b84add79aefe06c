//go:build unix

package workers

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/netdemo/netdemo/internal/child"
)

// master is the pre-fork server's master, gunicorn's arbiter in miniature:
// it binds the listening socket, starts the workers with the socket
// inherited, and watches them. A worker that exits is reaped (the kernel
// sends the master SIGCHLD; wait4 collects its status) and, unless the
// master is stopping, replaced by a new one.
type master struct {
	ctx     context.Context // the run's: no respawn once it is done
	kids    context.Context // the workers': outlives ctx until Stop has been graceful
	endKids context.CancelFunc
	worker  string // the child each worker runs: childHTTP
	ln      *net.TCPListener
	lnFile  *os.File
	respawn bool

	mu       sync.Mutex
	workers  map[int]*workerProc
	stopping bool
	spawning sync.WaitGroup

	exits   chan exited
	sigchld atomic.Int64
	sigs    chan os.Signal
}

type workerProc struct {
	p      *child.Proc
	stderr *headBuffer
}

// exited is one reaped worker.
type exited struct {
	PID    int
	Code   int    // exit status, -1 when a signal ended it
	Signal string // the signal, when one did ("SIGKILL")
	Stderr string // its last words, e.g. "panic: ..."
	At     time.Time
	// Replacement is the PID started in its place (0: none), ready at
	// ReadyAt; ReplaceErr says why none started.
	Replacement int
	ReadyAt     time.Time
	ReplaceErr  error
}

// errAddrInUse marks a port that is taken.
var errAddrInUse = errors.New("address already in use")

// startMaster listens on addr and starts n workers.
func startMaster(ctx context.Context, addr string, n int, respawn bool) (*master, error) {
	return startMasterOf(ctx, childHTTP, addr, n, respawn)
}

// startMasterOf is startMaster with the workers' child named (tests start
// a worker that cannot start).
func startMasterOf(ctx context.Context, worker, addr string, n int, respawn bool) (*master, error) {
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("%s: %w", addr, errAddrInUse)
	}
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", addr, err)
	}
	f, err := inheritable(ln.(*net.TCPListener))
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("getting the listening socket's descriptor: %w", err)
	}
	// The workers are not killed the moment ctx ends (Ctrl-C): Stop first
	// asks them to finish what they are doing.
	kids, endKids := context.WithCancel(context.WithoutCancel(ctx))
	m := &master{
		ctx: ctx, kids: kids, endKids: endKids, worker: worker, ln: ln.(*net.TCPListener), lnFile: f, respawn: respawn,
		workers: map[int]*workerProc{},
		exits:   make(chan exited, 256),
		sigs:    make(chan os.Signal, 16),
	}
	signal.Notify(m.sigs, syscall.SIGCHLD)
	go func() {
		for range m.sigs {
			m.sigchld.Add(1)
		}
	}()
	for i := 0; i < n; i++ {
		if _, err := m.spawn(); err != nil {
			m.Stop(time.Second)
			return nil, fmt.Errorf("starting worker %d of %d: %w", i+1, n, err)
		}
	}
	return m, nil
}

// inheritable returns a descriptor of ln for the workers that starting a
// worker does not switch to blocking mode.
//
// O_NONBLOCK belongs to the open file description, which the master and
// every worker share. os.StartProcess calls Fd() on each file it hands
// over, and Fd() puts a file that was non-blocking when it was made into
// blocking mode. A worker that calls accept(2) while the socket is
// blocking (its first accept, or one after a wake-up another worker won)
// sleeps in the kernel, where closing the listener does not wake it, and
// http.Server.Shutdown waits for it: SIGTERM would not end that worker.
// So the file is made while the socket is blocking (then Fd() leaves it
// alone), and the socket is made non-blocking again.
func inheritable(ln *net.TCPListener) (*os.File, error) {
	lf, err := ln.File()
	if err != nil {
		return nil, err
	}
	defer lf.Close()
	fd, err := unix.Dup(int(lf.Fd())) // lf.Fd(): now blocking
	if err != nil {
		return nil, fmt.Errorf("dup: %w", err)
	}
	unix.CloseOnExec(fd)
	f := os.NewFile(uintptr(fd), "listener") // blocking, so not in non-blocking mode to undo
	rc, err := ln.SyscallConn()
	if err == nil {
		cerr := rc.Control(func(s uintptr) { err = unix.SetNonblock(int(s), true) })
		if err == nil {
			err = cerr
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("making the socket non-blocking again: %w", err)
	}
	return f, nil
}

// Addr is the listening address.
func (m *master) Addr() string { return m.ln.Addr().String() }

// spawn starts one worker and waits until it says it is serving.
func (m *master) spawn() (int, error) {
	cmd, err := child.Command(m.kids, m.worker, nil, child.Files{"listener": m.lnFile})
	if err != nil {
		return 0, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, fmt.Errorf("worker stdout: %w", err)
	}
	head := &headBuffer{}
	cmd.Stderr = head
	p, err := child.StartCmd(m.worker, cmd)
	if err != nil {
		return 0, err
	}
	ready := make(chan error, 1)
	go func() {
		line, err := bufio.NewReader(out).ReadString('\n')
		if err == nil && line != "ready\n" {
			err = fmt.Errorf("said %q", line)
		}
		ready <- err
	}()
	select {
	case err = <-ready:
	case <-time.After(5 * time.Second):
		err = errors.New("not ready after 5s")
	}
	if err != nil {
		p.Cmd.Process.Kill()
		<-p.Done()
		if s := firstLine(head.String()); s != "" {
			err = fmt.Errorf("%v: %s", err, s)
		}
		return 0, fmt.Errorf("worker %d did not start: %w", p.PID(), err)
	}
	w := &workerProc{p: p, stderr: head}
	m.mu.Lock()
	m.workers[p.PID()] = w
	m.mu.Unlock()
	go m.watch(w)
	return p.PID(), nil
}

// watch reaps w and replaces it.
func (m *master) watch(w *workerProc) {
	<-w.p.Done()
	ex := exited{PID: w.p.PID(), Code: w.p.ExitCode(), Stderr: firstLine(w.stderr.String()), At: time.Now()}
	if ws, ok := w.p.Cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		ex.Signal = unix.SignalName(ws.Signal())
	}
	m.mu.Lock()
	delete(m.workers, ex.PID)
	again := m.respawn && !m.stopping && m.ctx.Err() == nil
	if again {
		m.spawning.Add(1)
	}
	m.mu.Unlock()
	if again {
		ex.Replacement, ex.ReplaceErr = m.spawn()
		ex.ReadyAt = time.Now()
		m.spawning.Done()
	}
	select {
	case m.exits <- ex:
	default: // nobody is listening (a long --serve): drop the oldest news
	}
}

// PIDs lists the live workers.
func (m *master) PIDs() []int {
	m.mu.Lock()
	defer m.mu.Unlock()
	pids := make([]int, 0, len(m.workers))
	for pid := range m.workers {
		pids = append(pids, pid)
	}
	sort.Ints(pids)
	return pids
}

// Kill sends SIGKILL to one worker.
func (m *master) Kill(pid int) error {
	m.mu.Lock()
	w := m.workers[pid]
	m.mu.Unlock()
	if w == nil {
		return fmt.Errorf("no worker %d", pid)
	}
	return w.p.Signal(syscall.SIGKILL)
}

// Stop is the graceful shutdown: no more respawns, SIGTERM to every worker
// (they finish in-flight requests), a kill for any still there after
// grace, then the socket closes. It returns the exit codes, by PID.
func (m *master) Stop(grace time.Duration) map[int]int {
	m.mu.Lock()
	m.stopping = true
	m.mu.Unlock()
	m.spawning.Wait()
	m.mu.Lock()
	ws := make([]*workerProc, 0, len(m.workers))
	for _, w := range m.workers {
		ws = append(ws, w)
	}
	m.mu.Unlock()
	for _, w := range ws {
		w.p.Signal(syscall.SIGTERM)
	}
	codes := map[int]int{}
	// One deadline for all: closed (not sent once, as time.After would),
	// so that every worker still running at the deadline is killed, not
	// only the first.
	deadline := make(chan struct{})
	t := time.AfterFunc(grace, func() { close(deadline) })
	defer t.Stop()
	for _, w := range ws {
		select {
		case <-w.p.Done():
		case <-deadline:
			w.p.Cmd.Process.Kill()
			<-w.p.Done()
		}
		codes[w.p.PID()] = w.p.ExitCode()
	}
	m.endKids()
	m.ln.Close()
	m.lnFile.Close()
	signal.Stop(m.sigs)
	close(m.sigs)
	return codes
}

// headBuffer keeps the first 4 KiB a worker writes to stderr: its panic
// message, without holding a whole goroutine dump.
type headBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (t *headBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if room := 4096 - len(t.b); room > 0 {
		if len(p) < room {
			room = len(p)
		}
		t.b = append(t.b, p[:room]...)
	}
	return len(p), nil
}

func (t *headBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
