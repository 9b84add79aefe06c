package tcplife

import (
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/lab"
)

// Demo is registered in package demos.
var Demo = &demo.Demo{
	Name:     "tcp-life",
	Question: demo.Question{Zh: "TCP 的一生：TIME_WAIT、CLOSE_WAIT、backlog、SYN cookie、流量控制与拥塞控制、Nagle", En: "TCP's life: TIME_WAIT and CLOSE_WAIT, backlog and SYN cookies, flow vs congestion control, Nagle"},
	Summary:  demo.Text{En: "TCP states read from the kernel, listen queues, a SYN flood, zero windows, Reno vs CUBIC, Nagle's stall", Zh: "从内核读出的 TCP 状态、监听队列、SYN 洪泛、零窗口、Reno 与 CUBIC、Nagle 的停顿"},
	Port:     9016,
	// 20 ms: long enough for the tap to show round trips of slow start,
	// short enough for a dozen of them to fit in a fraction of a second.
	// No random loss: the one loss congestion control reacts to is chosen.
	Link: lab.Link{RTT: 20 * time.Millisecond},
	// Unix is false: the kernel parts that need Linux or Unix say so on
	// other systems, and the lab parts run everywhere.
	Params: func() any { return &params{Flood: 64, Exchanges: 8, Clients: 5} },
	Run:    run,
}

// params are the demo's own flags.
type params struct {
	Long      bool `flag:"long" help:"listen queue: one more client, which misses the slot the first accept() frees and waits for a later SYN retransmission (2–3 s more)"`
	Flood     int  `flag:"flood" help:"spoofed SYNs of the SYN flood on the lab" min:"1" max:"5000"`
	Exchanges int  `flag:"exchanges" help:"write–write–read exchanges per Nagle setting" min:"3" max:"200"`
	Clients   int  `flag:"clients" help:"clients of the server that forgets to close (CLOSE_WAIT)" min:"1" max:"200"`
}
