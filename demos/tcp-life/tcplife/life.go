package tcplife

import (
	"errors"
	"time"
)

// stateAt is one state the kernel reported for a socket, and when it was
// first seen (since the observation began).
type stateAt struct {
	State  kstate
	At     time.Duration
	Unsent uint32 // bytes in the socket's send queue, not yet acknowledged, when first seen
}

// life is what the kernel said about one connection while it was closed:
// the states of each end, in the order seen, and TIME_WAIT's timer.
type life struct {
	Active  []stateAt // the end that closed first (the server here)
	Passive []stateAt // the other end (the client)
	// PassiveGone is when the passive end left the kernel's table (its
	// last ACK arrived: CLOSED), zero if it was not seen to go.
	PassiveGone time.Duration
	// TimeWaitLeft is what TIME_WAIT's timer had left when read, and
	// TimeWaitAge how long the socket had been in TIME_WAIT by then.
	TimeWaitLeft, TimeWaitAge time.Duration
	TimeWaitTimer             uint8 // the timer sock_diag said was running (3: TIME_WAIT)
	Lookups                   int   // exact sock_diag lookups made while polling
}

// names lists the states' names.
func names(s []stateAt) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = x.State.String()
	}
	return out
}

// errNoKernelTable says this system has no kernel socket table the demo can
// read (sock_diag is Linux's).
var errNoKernelTable = errors.New("the kernel's TCP table is read through Linux's sock_diag, which this system does not have")

// errNeedsUnix says a step uses raw Unix system calls (socket, bind,
// listen with a chosen backlog) that this system does not offer.
var errNeedsUnix = errors.New("this step makes raw socket system calls that need Unix (Linux or macOS)")
