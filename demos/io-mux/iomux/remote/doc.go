// Package remote runs one echo server in a process of its own and drives it
// with clients from this one. A process per server keeps every number to
// one model: the CPU time (getrusage), OS threads and resident memory the
// child reports are that server's alone, and its descriptor table holds
// only its own sockets, so select's 1,024-descriptor ceiling applies to the
// server's connections and not to the clients'.
//
// The parent talks to the child over its stdin and stdout, one line each
// way: "stats" gets a [Snapshot], "stop" closes the server and gets the
// last one (which shows whether every descriptor was closed).
//
// Typical usage:
//
//	srv, err := remote.Start(ctx, echo.Select, echo.Config{}, 0)
//	cl := remote.NewClients(srv.Addr)
//	ph, err := remote.Measure(ctx, srv, cl, 1000, 10, 200)
//	final, err := srv.Stop()
package remote
