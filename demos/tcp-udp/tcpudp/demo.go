package tcpudp

import (
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/lab"
)

// Demo is registered in package demos.
var Demo = &demo.Demo{
	Name:     "tcp-udp",
	Question: demo.Question{Zh: "udp和tcp的区别", En: "What is the difference between UDP and TCP?"},
	Summary:  demo.Text{En: "TCP vs UDP on real sockets: handshake, boundaries, loss, order, overhead", Zh: "真实套接字上的 TCP 与 UDP：握手、消息边界、丢包、顺序、开销"},
	Port:     9000,
	// A 40 ms RTT and 10% loss: bad enough that losses happen in a couple
	// of hundred packets, short enough that the demo ends in a second or two.
	Link:   lab.Link{RTT: 40 * time.Millisecond, Loss: 0.1},
	Params: func() any { return &params{Messages: defaultMessages, Budget: 10 * time.Second} },
	Run:    run,
	Serve:  serve,
}

const (
	defaultMessages = 200
)

// params are the demo's own flags.
type params struct {
	Messages int           `flag:"messages" help:"how many numbered messages to send over TCP and over UDP" min:"1" max:"100000"`
	Budget   time.Duration `flag:"budget" help:"how long TCP may take to deliver them all before the demo stops waiting (a very lossy link backs TCP's timer off again and again)" min:"1s" max:"10m"`
}
