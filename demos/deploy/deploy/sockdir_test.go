package deploy

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestStaleSocket: a socket file nobody answers on (left by a killed
// server) is replaced; one that answers is not taken over.
func TestStaleSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := listenUnix(path); err == nil || !strings.Contains(err.Error(), "another server") {
		t.Errorf("listening over a live socket: %v, want \"another server is answering\"", err)
	}
	l.SetUnlinkOnClose(false) // what a SIGKILL leaves: the file, no listener
	l.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the stale socket file is gone already: %v", err)
	}
	if _, err := net.Dial("unix", path); err == nil {
		t.Fatal("dialing the stale socket worked")
	}
	l2, err := listenUnix(path)
	if err != nil {
		t.Fatalf("listening over a stale socket: %v", err)
	}
	l2.Close()
}

// deadPID is the id of a process that has exited and been reaped.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func TestSweepStale(t *testing.T) {
	tmp := t.TempDir()
	mk := func(name string, pid int) string {
		d := filepath.Join(tmp, name)
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(d, "pid"), []byte(strconv.Itoa(pid)), 0o600)
		return d
	}
	dead := mk(dirPrefix+"dead", deadPID(t))
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: filepath.Join(dead, "app.sock"), Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	l.SetUnlinkOnClose(false)
	l.Close()
	live := mk(dirPrefix+"live", os.Getpid())
	other := mk("someone-else", deadPID(t))
	if n := sweepStale(tmp); n != 1 {
		t.Errorf("sweepStale removed %d directories, want 1", n)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("the dead run's directory is still there: %v", err)
	}
	for _, d := range []string{live, other} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s was removed: %v", d, err)
		}
	}
}

func TestSockDirIsPrivate(t *testing.T) {
	d, err := newSockDir()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Remove()
	fi, err := os.Stat(d.Path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("socket directory mode %v, want 0700", fi.Mode().Perm())
	}
}
