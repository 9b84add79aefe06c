// Package demo runs one demo: it parses the common flags, builds the network
// the demo asked for (kernel loopback or the virtual lab), prints the steps
// interleaved with the explanation, and ends with the result object.
//
// A demo is a [Demo] value: its name, the interview question it answers, and
// a Run func that talks to the world only through a [*Run]:
//
//	func run(ctx context.Context, r *demo.Run) error {
//		r.Step("handshake", r.T("TCP opens a connection", "TCP 先建立连接"))
//		...
//		r.Measure("tcp_connect_ms", ms, "ms")
//		r.Result(result{...})
//		return nil
//	}
//
// The same Demo runs as `go run ./demos/NAME` (through [Main]) and as
// `netdemo run NAME`, with the same flags and the same output.
//
// # Output
//
// Text goes to stdout for people: step headings, the explanation block of
// each step, measured values, and at the end the "what you just saw" section
// with the run's own numbers filled in. With --json the same run prints JSON
// Lines instead: {"kind":"step"}, {"kind":"say"}, {"kind":"measure"}, demo
// specific kinds, then {"kind":"result","demo":NAME,...} last. Field names of
// the result are a contract that tests and classrooms read.
//
// Errors and progress go to stderr.
package demo
