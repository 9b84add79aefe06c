//go:build linux || darwin

package proc

import (
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// CPU is the user plus system time this process has used so far
// (getrusage(RUSAGE_SELF)).
func CPU() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// RaiseNoFile raises the soft RLIMIT_NOFILE to the hard limit, so that a
// process may hold as many descriptors as the system lets it, and returns
// the soft limit in force afterwards. (Go itself raises it at start-up on
// Linux and macOS; doing it here makes the number the demo reports the one
// it checked.)
func RaiseNoFile() (int, error) {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		return 0, fmt.Errorf("reading RLIMIT_NOFILE: %w", err)
	}
	if lim.Cur < lim.Max {
		want := lim
		want.Cur = capHard(lim.Max)
		if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &want); err == nil {
			lim = want
		}
	}
	if lim.Cur > 1<<30 {
		return 1 << 30, nil
	}
	return int(lim.Cur), nil
}
