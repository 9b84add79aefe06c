package httptcp

import (
	"io"
	"log"
)

// quietLog keeps net/http's own complaints (a client that hung up, a TLS
// handshake a curious user aborted) off the demo's output; the demo reports
// what it observed itself.
func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }
