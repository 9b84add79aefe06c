package proc

import (
	"os"
	"runtime/pprof"

	"golang.org/x/sys/unix"
)

// Threads is the number of OS threads the Go runtime has created for this
// process. macOS has no /proc; the runtime's threadcreate profile counts
// every thread it started (a thread whose locked goroutine exited is gone
// but still counted, so this is an upper bound).
func Threads() int { return pprof.Lookup("threadcreate").Count() }

// RSSKB is this process's peak resident memory in KiB (getrusage
// ru_maxrss, which macOS gives in bytes).
func RSSKB() int {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return int(ru.Maxrss / 1024)
}

// OpenFDs counts this process's open descriptors (/dev/fd).
func OpenFDs() int {
	f, err := os.Open("/dev/fd")
	if err != nil {
		return -1
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return -1
	}
	return len(names) - 1
}

// macOS refuses a soft limit above OPEN_MAX for setrlimit unless the hard
// limit is finite; kern.maxfilesperproc is the real ceiling.
func capHard(max uint64) uint64 {
	if n, err := unix.SysctlUint32("kern.maxfilesperproc"); err == nil && uint64(n) < max {
		return uint64(n)
	}
	return max
}
