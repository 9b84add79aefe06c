//go:build unix

package workers

import "github.com/netdemo/netdemo/internal/child"

// The child processes of the demo: the netdemo binary run again under
// these names (internal/child). Each body is in the file of the
// measurement that uses it.
const (
	childNoop     = "workers-noop"     // create.go: starts and exits
	childIdle     = "workers-idle"     // memory.go: waits for stdin to close
	childStack    = "workers-stack"    // memory.go: reads the runtime's stack sizes
	childPingPong = "workers-pingpong" // pingpong.go: echoes bytes between two pipes
	childSwitch   = "workers-switch"   // pingpong.go: the kernel switch measurements
	childCounter  = "workers-counter"  // isolation.go: changes its own copy of a counter
	childRace     = "workers-race"     // isolation.go: four goroutines on one counter
	childPanic    = "workers-panic"    // crash.go: a goroutine panics
	childHTTP     = "workers-http"     // prefork.go: a worker of the pre-fork server
	childGoWork   = "workers-gowork"   // gowork.go: the GIL workloads, in Go
)

func init() {
	child.Register(childNoop, noopChild)
	child.Register(childIdle, idleChild)
	child.Register(childStack, stackChild)
	child.Register(childPingPong, pingPongChild)
	child.Register(childSwitch, switchChild)
	child.Register(childCounter, counterChild)
	child.Register(childRace, raceChild)
	child.Register(childPanic, panicChild)
	child.Register(childHTTP, httpWorkerChild)
	child.Register(childGoWork, goWorkChild)
}
