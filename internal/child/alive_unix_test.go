//go:build unix

package child

import "syscall"

// alive reports whether a process with pid exists (and is not a zombie
// we could still signal: the orphan is reaped by init once it exits).
func alive(pid int) bool { return syscall.Kill(pid, 0) == nil }
