package workers

import "syscall"

// threadID is the kernel's id of the calling thread (gettid(2)).
func threadID() int { return syscall.Gettid() }
