package workers

import (
	"time"

	"github.com/netdemo/netdemo/internal/demo"
)

// Demo is registered in package demos.
var Demo = &demo.Demo{
	Name:     "workers",
	Question: demo.Question{Zh: "线程和进程的区别，python多线程，GIL", En: "What is the difference between a thread and a process? Python threads and the GIL? (And: where does your project use threads or processes?)"},
	Summary: demo.Text{
		En: "processes vs threads vs goroutines, measured: cost, memory, switches, isolation, a pre-fork server, the GIL",
		Zh: "进程、线程、协程实测：开销、内存、切换、隔离、pre-fork 服务器、GIL",
	},
	Port:   9014,
	NoLab:  true,
	Unix:   true,
	Params: func() any { return defaultParams() },
	Run:    run,
	Serve:  serve,
}

// params are the demo's own flags. The defaults keep a run under three
// seconds on a two-core machine; the flags make any measurement larger.
type params struct {
	Procs      int           `flag:"procs" help:"child processes to create and wait for, one after another (create cost)" min:"1" max:"10000"`
	Threads    int           `flag:"threads" help:"OS threads to create and end, one after another (create cost)" min:"1" max:"100000"`
	Goroutines int           `flag:"goroutines" help:"goroutines to create and wait for (create cost)" min:"1" max:"10000000"`
	IdleProcs  int           `flag:"idle-procs" help:"idle child processes whose memory is read from /proc (each a few MiB)" min:"1" max:"1000"`
	Idle       int           `flag:"idle" help:"idle OS threads and idle goroutines whose memory is measured" min:"1" max:"9000"`
	Switches   int           `flag:"switches" help:"ping-pong round trips per kind (2 switches each)" min:"10" max:"10000000"`
	RaceFor    time.Duration `flag:"race-for" help:"how long 4 goroutines increment one counter, each of the 3 ways" min:"1ms" max:"10s"`
	Workers    int           `flag:"workers" help:"worker processes of the pre-fork server" min:"2" max:"64"`
	Requests   int           `flag:"requests" help:"requests sent to the pre-fork server while one worker is killed" min:"20" max:"100000"`
	PyLoop     int           `flag:"py-loop" help:"total iterations of the CPU-bound pure Python loop" min:"1000" max:"1000000000"`
	GoLoop     int           `flag:"go-loop" help:"total iterations of the CPU-bound Go loop" min:"1000" max:"100000000000"`
}

func defaultParams() *params {
	return &params{
		Procs:      20,
		Threads:    1000,
		Goroutines: 10000,
		IdleProcs:  8,
		Idle:       1000,
		Switches:   10000,
		RaceFor:    50 * time.Millisecond,
		Workers:    4,
		Requests:   100,
		PyLoop:     3000000,
		GoLoop:     50000000,
	}
}
