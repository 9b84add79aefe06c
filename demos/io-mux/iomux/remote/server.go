package remote

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/netdemo/netdemo/demos/io-mux/iomux/echo"
	"github.com/netdemo/netdemo/internal/child"
)

// Server is an echo server running in a child process.
type Server struct {
	Kind  echo.Kind
	Addr  string
	Hello Snapshot // the first report, before any connection

	proc   *child.Proc
	in     io.WriteCloser
	out    *bufio.Scanner
	stderr *headBuffer
	mu     sync.Mutex
	done   bool
}

// Start starts a server of kind in a child process. maxThreads, when not
// zero, sets the child's thread limit (Go's default is 10,000); the child
// dies when it needs more.
func Start(ctx context.Context, kind echo.Kind, cfg echo.Config, maxThreads int) (*Server, error) {
	args := []string{"-kind", string(kind), "-readbuf", strconv.Itoa(cfg.ReadBuf), "-maxthreads", strconv.Itoa(maxThreads)}
	if cfg.Edge {
		args = append(args, "-edge")
	}
	if cfg.ReadOnce {
		args = append(args, "-once")
	}
	cmd, err := child.Command(ctx, childName, args, nil)
	if err != nil {
		return nil, err
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	outp, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	// A server that dies (a thread it could not create, say) prints a
	// goroutine dump; keep the start of it for the error, not the screen.
	stderr := &headBuffer{max: 4096}
	cmd.Stderr = stderr
	p, err := child.StartCmd(childName, cmd)
	if err != nil {
		return nil, err
	}
	s := &Server{Kind: kind, proc: p, in: in, out: bufio.NewScanner(outp), stderr: stderr}
	s.out.Buffer(make([]byte, 64<<10), 1<<20)
	hello, err := s.read()
	if err != nil {
		s.kill()
		return nil, fmt.Errorf("starting the %s server process: %w", kind, err)
	}
	s.Hello, s.Addr = hello, hello.Addr
	return s, nil
}

func (s *Server) read() (Snapshot, error) {
	if !s.out.Scan() {
		err := s.out.Err()
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		if line := s.stderr.firstLine(); line != "" {
			return Snapshot{}, fmt.Errorf("the server process ended: %s", line)
		}
		return Snapshot{}, fmt.Errorf("the server process ended: %w", err)
	}
	var snap Snapshot
	if err := json.Unmarshal(s.out.Bytes(), &snap); err != nil {
		return Snapshot{}, fmt.Errorf("reading the server process's report: %w", err)
	}
	if snap.Err != "" {
		return snap, errors.New(snap.Err)
	}
	return snap, nil
}

func (s *Server) ask(cmd string) (Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return Snapshot{}, errors.New("the server process was stopped")
	}
	if _, err := io.WriteString(s.in, cmd+"\n"); err != nil {
		return Snapshot{}, fmt.Errorf("asking the %s server process: %w", s.Kind, err)
	}
	return s.read()
}

// Snapshot asks the server process for its numbers now.
func (s *Server) Snapshot() (Snapshot, error) { return s.ask("stats") }

// Counters asks only for the server's counters and CPU time: cheap enough
// to bracket a measurement.
func (s *Server) Counters() (Snapshot, error) { return s.ask("cpu") }

// Stop closes the server, returns its last report and waits for the
// process to exit. Calling it again does nothing.
func (s *Server) Stop() (Snapshot, error) {
	snap, err := s.ask("stop")
	s.mu.Lock()
	s.done = true
	s.mu.Unlock()
	s.in.Close()
	select {
	case <-s.proc.Done():
	case <-time.After(3 * time.Second):
		s.proc.Stop(time.Second)
	}
	return snap, err
}

// kill ends the process without asking (start-up failed).
func (s *Server) kill() {
	s.mu.Lock()
	s.done = true
	s.mu.Unlock()
	s.in.Close()
	s.proc.Stop(time.Second)
}

// Died says how the process ended when it ended on its own: the first line
// it printed (a Go runtime's fatal error, for example), or its exit status.
// It is "" while the process runs.
func (s *Server) Died() string {
	if !s.Exited() {
		return ""
	}
	if line := s.stderr.firstLine(); line != "" {
		return line
	}
	return s.proc.Cmd.ProcessState.String()
}

// Exited says whether the process has ended (it may have died).
func (s *Server) Exited() bool {
	select {
	case <-s.proc.Done():
		return true
	default:
		return false
	}
}

// headBuffer keeps the first max bytes written to it.
type headBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (h *headBuffer) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if room := h.max - len(h.b); room > 0 {
		h.b = append(h.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (h *headBuffer) firstLine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	line, _, _ := strings.Cut(strings.TrimSpace(string(h.b)), "\n")
	return line
}
