package child

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Main is the body of a child process: it gets the arguments it was started
// with and returns the exit code. ctx is cancelled on SIGTERM or Ctrl-C.
type Main func(ctx context.Context, args []string) int

const (
	envName  = "NETDEMO_CHILD"
	envFiles = "NETDEMO_CHILD_FILES"
)

var (
	mu       sync.Mutex
	registry = map[string]Main{}
)

// Register names a child body. Call it from an init function, so that every
// binary that links the demo knows the child before Dispatch runs.
func Register(name string, m Main) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[name]; dup {
		panic("child: " + name + " registered twice")
	}
	registry[name] = m
}

// Dispatch runs the registered child when this process was started as one,
// and exits with its code; otherwise it returns at once. Call it first in
// main and in TestMain.
func Dispatch() {
	name := os.Getenv(envName)
	if name == "" {
		return
	}
	// Grandchildren start clean.
	os.Unsetenv(envName)
	mu.Lock()
	m := registry[name]
	mu.Unlock()
	if m == nil {
		fmt.Fprintf(os.Stderr, "netdemo child: no child named %q in this binary\n", name)
		os.Exit(2)
	}
	go watchParent(os.Getppid())
	os.Exit(m(signalContext(), os.Args[1:]))
}

// watchParent ends the child when its parent is gone (the child was handed
// to another parent), so that a parent killed with SIGKILL, which runs no
// cleanup, leaves no worker behind. Linux's PR_SET_PDEATHSIG would do it
// without polling, but it fires when the thread that forked the child
// exits, and Go ends threads (a goroutine that exits while locked to its
// thread): a child started from such a thread would be killed with its
// parent alive.
func watchParent(ppid int) {
	for range time.Tick(200 * time.Millisecond) {
		if os.Getppid() != ppid {
			os.Exit(3)
		}
	}
}

// Files are descriptors handed to a child, by name.
type Files map[string]*os.File

// File returns a descriptor the parent handed over under name, or nil. Each
// name is opened once; later calls return the same *os.File.
func File(name string) *os.File {
	filesOnce.Do(parseFiles)
	return inherited[name]
}

var (
	filesOnce sync.Once
	inherited map[string]*os.File
)

func parseFiles() {
	inherited = map[string]*os.File{}
	for _, kv := range strings.Split(os.Getenv(envFiles), ",") {
		name, fd, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(fd)
		if err != nil || n < 3 {
			continue
		}
		inherited[name] = os.NewFile(uintptr(n), name)
	}
	os.Unsetenv(envFiles)
}

// Proc is a running child.
type Proc struct {
	Cmd  *exec.Cmd
	Name string

	waitOnce sync.Once
	waitErr  error
	done     chan struct{}
}

// Command prepares a child without starting it, for a caller that wants to
// set Stdin, Stdout, Stderr, Env or Dir itself (CGI hosts do). The child is
// killed when ctx is done.
func Command(ctx context.Context, name string, args []string, files Files) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding this program to start child %s: %w", name, err)
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(os.Environ(), envName+"="+name)
	if len(files) > 0 {
		names := make([]string, 0, len(files))
		for n := range files {
			names = append(names, n)
		}
		sort.Strings(names)
		var pairs []string
		for i, n := range names {
			cmd.ExtraFiles = append(cmd.ExtraFiles, files[n])
			pairs = append(pairs, fmt.Sprintf("%s=%d", n, 3+i))
		}
		cmd.Env = append(cmd.Env, envFiles+"="+strings.Join(pairs, ","))
	}
	// A cancelled context ends the child at once; WaitDelay bounds how long
	// Wait then waits for its output pipes.
	cmd.Cancel = func() error { return cmd.Process.Kill() }
	cmd.WaitDelay = 2 * time.Second
	return cmd, nil
}

// Start starts the named child with args and inherited files. Its stdout and
// stderr go to the parent's stderr unless the caller wants them: use
// Command for that.
func Start(ctx context.Context, name string, args []string, files Files) (*Proc, error) {
	cmd, err := Command(ctx, name, args, files)
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	return StartCmd(name, cmd)
}

// StartCmd starts a command made by Command.
func StartCmd(name string, cmd *exec.Cmd) (*Proc, error) {
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting child %s: %w", name, err)
	}
	p := &Proc{Cmd: cmd, Name: name, done: make(chan struct{})}
	go p.Wait()
	return p, nil
}

// PID is the child's process id.
func (p *Proc) PID() int { return p.Cmd.Process.Pid }

// Wait waits for the child to exit; it may be called many times and from
// many goroutines.
func (p *Proc) Wait() error {
	p.waitOnce.Do(func() {
		p.waitErr = p.Cmd.Wait()
		close(p.done)
	})
	<-p.done
	return p.waitErr
}

// Done is closed when the child has exited and been reaped.
func (p *Proc) Done() <-chan struct{} { return p.done }

// ExitCode is the child's exit code after Done, -1 when a signal ended it.
func (p *Proc) ExitCode() int {
	<-p.done
	return p.Cmd.ProcessState.ExitCode()
}

// Signal sends sig to the child (ignored once it has exited).
func (p *Proc) Signal(sig os.Signal) error {
	select {
	case <-p.done:
		return nil
	default:
	}
	return p.Cmd.Process.Signal(sig)
}

// Stop asks the child to end (SIGTERM, or Kill where there is none), waits
// up to grace, then kills it. It returns once the child is reaped.
func (p *Proc) Stop(grace time.Duration) {
	if err := p.Signal(syscall.SIGTERM); err != nil {
		p.Cmd.Process.Kill()
	}
	select {
	case <-p.done:
	case <-time.After(grace):
		p.Cmd.Process.Kill()
		<-p.done
	}
}
