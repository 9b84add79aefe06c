package remote

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/netdemo/netdemo/demos/io-mux/iomux/echo"
	"github.com/netdemo/netdemo/demos/io-mux/iomux/proc"
	"github.com/netdemo/netdemo/internal/child"
)

// childName is the name the server process is started under.
const childName = "iomux-server"

func init() { child.Register(childName, serveChild) }

// Snapshot is what the server process reports about itself.
type Snapshot struct {
	echo.Stats
	Addr       string        `json:"addr,omitempty"`
	CPU        time.Duration `json:"cpu_ns"`  // user + system time of the process
	Threads    int           `json:"threads"` // OS threads of the process
	RSSKB      int           `json:"rss_kb"`
	FDs        int           `json:"fds"` // open descriptors of the process
	Goroutines int           `json:"goroutines"`
	NoFile     int           `json:"nofile"` // RLIMIT_NOFILE (soft) after raising it
	Err        string        `json:"error,omitempty"`
}

func snapshot(s echo.Server, nofile int) Snapshot {
	snap := Snapshot{CPU: proc.CPU(), Threads: proc.Threads(), RSSKB: proc.RSSKB(), FDs: proc.OpenFDs(),
		Goroutines: runtime.NumGoroutine(), NoFile: nofile}
	if s != nil {
		snap.Stats = s.Stats()
	}
	return snap
}

// serveChild is the server process: listen, answer "stats" and "stop".
func serveChild(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet(childName, flag.ContinueOnError)
	kind := fs.String("kind", "", "server model")
	edge := fs.Bool("edge", false, "edge-triggered")
	once := fs.Bool("once", false, "one read per readiness event")
	readBuf := fs.Int("readbuf", 0, "read size")
	maxThreads := fs.Int("maxthreads", 0, "raise the Go runtime's thread limit to this")
	out := json.NewEncoder(os.Stdout)
	fail := func(err error) int {
		out.Encode(Snapshot{Err: err.Error()})
		return 1
	}
	if err := fs.Parse(args); err != nil {
		return fail(err)
	}
	k, err := echo.ParseKind(*kind)
	if err != nil {
		return fail(err)
	}
	nofile, _ := proc.RaiseNoFile()
	if *maxThreads > 0 {
		// Go stops a program that uses more than 10,000 threads by
		// default; the thread-per-connection server needs one per
		// connection.
		debug.SetMaxThreads(*maxThreads)
	}
	s, err := echo.Listen(k, "127.0.0.1:0", echo.Config{Edge: *edge, ReadOnce: *once, ReadBuf: *readBuf})
	if err != nil {
		return fail(err)
	}
	go func() {
		<-ctx.Done() // SIGTERM or Ctrl-C
		s.Close()
		os.Exit(0)
	}()
	hello := snapshot(s, nofile)
	hello.Addr = s.Addr()
	out.Encode(hello)
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		switch sc.Text() {
		case "stats":
			out.Encode(snapshot(s, nofile))
		case "cpu":
			// Only the counters and the CPU time: reading /proc for
			// 10,000 descriptors would add to the CPU being measured.
			out.Encode(Snapshot{Stats: s.Stats(), CPU: proc.CPU()})
		case "stop":
			s.Close()
			out.Encode(snapshot(s, nofile))
			return 0
		default:
			out.Encode(Snapshot{Err: fmt.Sprintf("unknown command %q", sc.Text())})
		}
	}
	// The parent closed our stdin (or died): stop.
	s.Close()
	return 0
}
