// Package httptcp is the http-tcp demo: HTTP rides on TCP: raw bytes,
// keep-alive, HTTP/2 streams.
//
// It answers "http和tcp的关系" on real stacks: HTTP/1.1 written by hand
// onto a TCP socket and the response read back in the chunks TCP happened
// to deliver; five requests on one kept-alive connection against five
// connections, timed on the lab at a set RTT; and five concurrent HTTP/2
// requests as streams of one connection, over TLS and in cleartext, with
// every frame listed from the wire and its headers decoded with HPACK.
//
// Files: run.go orders the steps; raw.go, keepalive.go and h2.go do the
// talking; show*.go print what they saw; server.go and testbed.go are the
// servers, wire.go counts handshakes on the lab's tap, serve.go is --serve.
// Package h2wire parses HTTP/2 frames and HPACK representations out of a
// connection recorded with internal/wiretap; internal/packet reads TCP
// headers off the lab's tap.
package httptcp

import (
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/lab"
)

// Demo is registered in package demos.
var Demo = &demo.Demo{
	Name:     "http-tcp",
	Question: demo.Question{Zh: "http和tcp的关系", En: "How does HTTP relate to TCP?"},
	Summary:  demo.Text{En: "HTTP rides on TCP: raw bytes, keep-alive, HTTP/2 streams", Zh: "HTTP 跑在 TCP 之上：原始字节、keep-alive、HTTP/2 流"},
	Port:     8000,
	// 50 ms makes a round trip easy to see in the timings; no loss, so the
	// keep-alive saving is the handshakes alone.
	Link:   lab.Link{RTT: 50 * time.Millisecond},
	Params: func() any { return &params{Rounds: 1} },
	Run:    run,
	Serve:  serve,
}

// params are the demo's own flags.
type params struct {
	Rounds int `flag:"rounds" help:"how many times the keep-alive comparison runs each mode; the median round is reported (more rounds smooth a busy machine)" min:"1" max:"20"`
}
