package remote

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
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

	proc *child.Proc
	in   io.WriteCloser
	out  *bufio.Scanner
	mu   sync.Mutex
	done bool
}

// Start starts a server of kind in a child process. maxThreads, when
// above Go's default of 10,000, raises the child's thread limit.
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
	cmd.Stderr = os.Stderr
	p, err := child.StartCmd(childName, cmd)
	if err != nil {
		return nil, err
	}
	s := &Server{Kind: kind, proc: p, in: in, out: bufio.NewScanner(outp)}
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

// Exited says whether the process has ended (it may have died).
func (s *Server) Exited() bool {
	select {
	case <-s.proc.Done():
		return true
	default:
		return false
	}
}
