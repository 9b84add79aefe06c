package deploy

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proc is a process the demo started (an app server, python3, gunicorn,
// nginx), killed and reaped when the run ends.
type proc struct {
	name   string
	cmd    *exec.Cmd
	opts   procOpts
	stderr *lockedBuffer
	done   chan struct{}
}

// procOpts say how a process is stopped.
type procOpts struct {
	// Group starts the process in a process group of its own, so that
	// Kill also ends the workers it forked (gunicorn's, nginx's).
	Group bool
	// Quit is the signal that asks for a quick exit (SIGTERM when nil);
	// gunicorn's is SIGINT, since its SIGTERM waits for busy workers.
	Quit os.Signal
}

// startProc starts cmd, which must not have been started, with its stderr
// kept for error messages.
func startProc(name string, cmd *exec.Cmd, opts ...procOpts) (*proc, error) {
	p := &proc{name: name, cmd: cmd, stderr: &lockedBuffer{}, done: make(chan struct{})}
	if len(opts) > 0 {
		p.opts = opts[0]
	}
	if cmd.Stderr == nil {
		cmd.Stderr = p.stderr
	}
	// Forked workers may hold the stderr pipe after their parent is gone:
	// Wait gives up on it after this long instead of hanging.
	cmd.WaitDelay = time.Second
	pdeath := syscall.SIGKILL
	if p.opts.Group {
		pdeath = syscall.SIGTERM
		if sig, ok := p.opts.Quit.(syscall.Signal); ok {
			pdeath = sig
		}
	}
	setParentDeath(cmd, pdeath)
	if p.opts.Group {
		setGroup(cmd)
		// exec.CommandContext kills only the leader when the context
		// ends; its workers (which do not inherit the parent-death
		// signal) would be orphaned. Kill the whole group instead.
		if cmd.Cancel != nil {
			cmd.Cancel = func() error {
				killGroup(cmd.Process.Pid)
				return cmd.Process.Kill()
			}
		}
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	go func() {
		cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// PID is the process id.
func (p *proc) PID() int { return p.cmd.Process.Pid }

// Kill ends the process at once (SIGKILL: it gets no chance to clean up,
// like a crash) and waits until it is reaped.
func (p *proc) Kill() {
	if p.opts.Group {
		// Even after the leader has exited, its workers may live on.
		killGroup(p.cmd.Process.Pid)
	}
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Kill()
	<-p.done
}

// Stop asks the process to end (SIGTERM where there is one), waits up to
// grace, then kills it.
func (p *proc) Stop(grace time.Duration) {
	select {
	case <-p.done:
		// The leader is gone (killed when the run's context ended, or it
		// crashed), but the workers it forked live on without it: an
		// nginx worker whose master died keeps serving. End them too.
		if p.opts.Group {
			killGroup(p.cmd.Process.Pid)
		}
		return
	default:
	}
	if err := terminate(p.cmd.Process, p.opts.Quit); err != nil {
		p.Kill()
		return
	}
	select {
	case <-p.done:
	case <-time.After(grace):
	}
	p.Kill() // the group too, when the process was a group's leader
}

// Exited says whether the process has ended.
func (p *proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitDial waits until network/addr accepts a connection, the process
// exits (an error quoting its stderr), or timeout passes.
func (p *proc) waitDial(ctx context.Context, network, addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout(network, addr, 100*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		if p.Exited() {
			return fmt.Errorf("%s exited before listening on %s: %s", p.name, addr, p.stderrLine())
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not listen on %s within %v: %s", p.name, addr, timeout, p.stderrLine())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// stderrLine is the last line the process wrote to stderr.
func (p *proc) stderrLine() string {
	s := strings.TrimSpace(p.stderr.String())
	if s == "" {
		if p.Exited() && p.cmd.ProcessState != nil {
			return p.cmd.ProcessState.String()
		}
		return "nothing on stderr"
	}
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// lockedBuffer is a bytes.Buffer safe for a process's writes and our reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
