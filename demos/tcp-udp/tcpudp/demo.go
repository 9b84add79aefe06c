package tcpudp

import (
	"flag"
	"strconv"
	"sync/atomic"
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
	Link:  lab.Link{RTT: 40 * time.Millisecond, Loss: 0.1},
	Flags: flags,
	Run:   run,
	Serve: serve,
}

const (
	defaultMessages = 200
	maxMessages     = 100000
)

// messages is the value of --messages from the last parse. The runner parses
// a demo's flags right before running it, so a run reads the value its own
// command line set; runs in one process must not overlap.
var messages atomic.Int64

func init() { messages.Store(defaultMessages) }

func flags(fs *flag.FlagSet) {
	messages.Store(defaultMessages)
	fs.Var(intFlag{&messages}, "messages", "how many numbered `messages` to send over TCP and over UDP, 1 to 100000 (default 200)")
}

// intFlag is a flag.Value over an atomic, so that parsing in one test and
// reading in another never race.
type intFlag struct{ v *atomic.Int64 }

func (f intFlag) String() string {
	if f.v == nil {
		return strconv.Itoa(defaultMessages)
	}
	return strconv.FormatInt(f.v.Load(), 10)
}

func (f intFlag) Set(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return err
	}
	f.v.Store(n)
	return nil
}
