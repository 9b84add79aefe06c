package deploy_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// counts are what a run may leave behind: processes whose parent is this
// test, and socket directories whose pid file names it.
type counts struct{ procs, dirs int }

func leftovers(t *testing.T) counts {
	t.Helper()
	var c counts
	me := strconv.Itoa(os.Getpid())
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "netdemo-deploy-*"))
	if runtime.GOOS != "windows" && os.TempDir() != "/tmp" {
		more, _ := filepath.Glob("/tmp/netdemo-deploy-*") // where a long $TMPDIR sends them
		dirs = append(dirs, more...)
	}
	for _, d := range dirs {
		if b, err := os.ReadFile(filepath.Join(d, "pid")); err == nil && strings.TrimSpace(string(b)) == me {
			c.dirs++
		}
	}
	if runtime.GOOS != "linux" {
		return c
	}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, s := range stats {
		b, err := os.ReadFile(s)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so cut at ")".
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b)[i+1:])
		if len(f) > 1 && f[1] == me && f[0] != "Z" {
			c.procs++
		}
	}
	return c
}
