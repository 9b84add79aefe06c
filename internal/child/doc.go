// Package child lets a demo run part of itself as a separate process: a CGI
// script, a pre-fork worker, a server that is meant to be killed, a process
// that is meant to crash. The child is the netdemo binary itself, executed
// again, so its code is ordinary Go in the demo's own package and it works
// the same under `go run ./demos/NAME`, the netdemo binary and `go test`
// (the pattern of net/http/cgi's matryoshka test and os/exec's helper
// process).
//
// Typical usage:
//
//	func init() { child.Register("getpost-server", serveChild) }
//
//	func serveChild(ctx context.Context, args []string) int { ... return 0 }
//
//	p, err := child.Start(ctx, "getpost-server", []string{"--data", dir}, child.Files{"listener": f})
//
// The program's main (demo.Main, cmd/netdemo) and every test binary whose
// tests start children (TestMain) call [Dispatch] first: when the process
// was started as a child it runs the registered function and exits, and
// otherwise returns at once.
//
// The hand-off is explicit: the child's name travels in NETDEMO_CHILD, its
// arguments on the command line, and each inherited descriptor by name in
// NETDEMO_CHILD_FILES (name=fd pairs, the way tableflip names its fds).
// Nothing else of the parent's state reaches the child; it starts from
// main like any other process.
package child
