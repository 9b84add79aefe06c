package deploy

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"
)

// pyFiles is the Python side of the demo: a WSGI application (standard
// library only), the same report from Flask, and serve.py, which runs an
// application under wsgiref on a Unix socket.
//
//go:embed pyapp/*.py
var pyFiles embed.FS

// pyServer is a Python WSGI server on a Unix socket.
type pyServer struct {
	proc *proc
	sock string
}

// pyServers are the Python app servers of a run. Missing says why one did
// not start ("" when it did).
type pyServers struct {
	python      string // the python3 found on PATH
	appDir      string // where pyapp/ was written
	wsgi, flask *pyServer
	wsgiMissing string
	flaskErr    string
}

// pythonInstall is the one line a run prints when python3 is missing.
const pythonInstall = "apt-get install python3 (macOS: brew install python)"

// startPython writes pyapp/ into dir and starts the standard-library app
// and the Flask app under wsgiref, in parallel. It never fails: what did
// not start is recorded.
func startPython(ctx context.Context, dir *sockDir) *pyServers {
	ps := &pyServers{}
	if runtime.GOOS == "windows" {
		ps.wsgiMissing = "Python has no Unix sockets on Windows"
		return ps
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		ps.wsgiMissing = "python3 is not installed: " + pythonInstall
		return ps
	}
	ps.python = py
	ps.appDir = filepath.Join(dir.Path, "pyapp")
	if err := writePyApp(ps.appDir); err != nil {
		ps.wsgiMissing = err.Error()
		return ps
	}
	type started struct {
		s   *pyServer
		err error
	}
	wc, fc := make(chan started, 1), make(chan started, 1)
	go func() { s, err := ps.start(ctx, dir.Sock("wsgi"), "app:application"); wc <- started{s, err} }()
	go func() { s, err := ps.start(ctx, dir.Sock("flask"), "flask_app:app"); fc <- started{s, err} }()
	w, f := <-wc, <-fc
	ps.wsgi, ps.flask = w.s, f.s
	if w.err != nil {
		ps.wsgiMissing = w.err.Error()
	}
	if f.err != nil {
		ps.flaskErr = f.err.Error()
	}
	return ps
}

func writePyApp(dst string) error {
	if err := os.MkdirAll(dst, 0o700); err != nil {
		return fmt.Errorf("writing the Python app: %w", err)
	}
	ents, err := fs.ReadDir(pyFiles, "pyapp")
	if err != nil {
		return err
	}
	for _, e := range ents {
		b, err := pyFiles.ReadFile("pyapp/" + e.Name())
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600); err != nil {
			return fmt.Errorf("writing the Python app: %w", err)
		}
	}
	return nil
}

func (ps *pyServers) start(ctx context.Context, sock, target string) (*pyServer, error) {
	cmd := exec.CommandContext(ctx, ps.python, filepath.Join(ps.appDir, "serve.py"), sock, target)
	cmd.Dir = ps.appDir
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	p, err := startProc("python3 serve.py "+target, cmd)
	if err != nil {
		return nil, err
	}
	if err := p.waitDial(ctx, "unix", sock, 15*time.Second); err != nil {
		p.Kill()
		return nil, err
	}
	return &pyServer{proc: p, sock: sock}, nil
}

// Close stops the servers.
func (ps *pyServers) Close() {
	for _, s := range []*pyServer{ps.wsgi, ps.flask} {
		if s != nil {
			s.proc.Stop(time.Second)
		}
	}
}
