//go:build unix && !linux

package workers

// pinThread: macOS and the BSDs have no sched_setaffinity, so the two
// sides of a ping-pong may run on two cores (the demo says so).
func pinThread(cpu int) (pinned int, restore func(), ok bool) { return -1, func() {}, false }

// allowedCPUs: unknown without sched_getaffinity.
func allowedCPUs() int { return 0 }
