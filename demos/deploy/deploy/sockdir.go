package deploy

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// dirPrefix names the private directories of runs, so that a later run
// can find the ones a killed run left behind.
const dirPrefix = "netdemo-deploy-"

// sockDir is a run's private directory for Unix sockets and the files of
// the real stack: mode 0700, so that no other user can connect to the app
// servers (a Unix socket's permissions are those of the directory path),
// with the owning process id in a file named pid.
type sockDir struct {
	Path string
}

// sockBase is where the private directories go: the temporary directory,
// unless its path is so long that a socket in it would not fit in
// sun_path (104 bytes on macOS, whose $TMPDIR is long; 108 on Linux).
func sockBase() string {
	base := os.TempDir()
	if len(base) > 48 && runtime.GOOS != "windows" {
		return "/tmp"
	}
	return base
}

// newSockDir sweeps the directories of dead runs, then makes a new one.
func newSockDir() (*sockDir, error) {
	base := sockBase()
	sweepStale(base)
	p, err := os.MkdirTemp(base, dirPrefix)
	if err != nil {
		return nil, fmt.Errorf("making the private socket directory: %w", err)
	}
	if err := os.Chmod(p, 0o700); err != nil {
		os.RemoveAll(p)
		return nil, fmt.Errorf("making the socket directory private: %w", err)
	}
	if err := os.WriteFile(filepath.Join(p, "pid"), []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
		os.RemoveAll(p)
		return nil, fmt.Errorf("writing the run's pid file: %w", err)
	}
	return &sockDir{Path: p}, nil
}

// Sock names a socket in the directory.
func (d *sockDir) Sock(name string) string { return filepath.Join(d.Path, name+".sock") }

// Remove deletes the directory and everything in it.
func (d *sockDir) Remove() error { return os.RemoveAll(d.Path) }

// sweepStale removes the private directories of runs whose process is
// gone (killed with SIGKILL, or a power cut): their sockets can never be
// answered again. It returns how many it removed.
func sweepStale(tmp string) int {
	ents, err := os.ReadDir(tmp)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range ents {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), dirPrefix) {
			continue
		}
		dir := filepath.Join(tmp, e.Name())
		b, err := os.ReadFile(filepath.Join(dir, "pid"))
		if err != nil {
			// A directory too young to have its pid file yet, or not ours.
			if info, ierr := e.Info(); ierr == nil && time.Since(info.ModTime()) > time.Hour {
				if os.RemoveAll(dir) == nil {
					n++
				}
			}
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		if os.RemoveAll(dir) == nil {
			n++
		}
	}
	return n
}

// listenUnix listens on a Unix socket at path. A socket file already there
// is removed when nothing answers on it (a stale socket: bind would fail
// with "address already in use" although no one uses it); a socket that
// answers is someone else's, and an error.
func listenUnix(path string) (*net.UnixListener, error) {
	if _, err := os.Lstat(path); err == nil {
		c, derr := net.DialTimeout("unix", path, 200*time.Millisecond)
		if derr == nil {
			c.Close()
			return nil, fmt.Errorf("listening on %s: another server is answering on it", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("removing the stale socket %s: %w", path, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("checking %s: %w", path, err)
	}
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", path, err)
	}
	return l, nil
}
