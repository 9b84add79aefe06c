package tcplife

import "time"

// listenBacklog is listen()'s argument for the server that does not
// accept. Linux queues backlog+1 completed connections.
const listenBacklog = 1

// backlogRun is the listen-queue experiment: clients of a server that calls
// accept() rarely.
type backlogRun struct {
	Backlog   int
	Clients   int
	ConnectMS []float64 // per client, in dial order; -1 when connect failed
	Errors    []string
	AcceptsAt []time.Duration // when the server called accept(), since the first dial
	// Overflows is how much Linux's ListenOverflows counter rose during
	// the experiment (machine-wide); -1 where it cannot be read.
	Overflows int
}

// rebind is restarting a server on its port while a connection it closed
// first sits in TIME_WAIT there.
type rebind struct {
	Port          uint16
	Without, With string // "ok" or the error bind(2) returned
	EADDRINUSE    bool   // Without failed with exactly that errno
}

// ms is a duration in milliseconds, rounded to the microsecond: loopback
// exchanges take tens of microseconds.
func ms(d time.Duration) float64 {
	return float64(d.Round(time.Microsecond)) / float64(time.Millisecond)
}

// closeWait is the server that forgets to close, counted in the kernel's
// table before and after the fix.
type closeWait struct {
	Clients int
	Piled   int // sockets on the server's port the kernel listed in CLOSE_WAIT
	After   int // the same count once the server closed them
}
