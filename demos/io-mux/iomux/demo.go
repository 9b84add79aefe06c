package iomux

import (
	"github.com/netdemo/netdemo/internal/demo"
)

// Demo is registered in package demos.
var Demo = &demo.Demo{
	Name:     "io-mux",
	Question: demo.Question{Zh: "Flask的IO多路复用用在了什么地方？", En: "Where does Flask use IO multiplexing? (select, poll, epoll and the C10K problem)"},
	Summary: demo.Text{
		En: "select, poll, epoll/kqueue, a thread per connection and Go's netpoller, measured from 10 to 10,000 connections",
		Zh: "select、poll、epoll/kqueue、每连接一线程与 Go 的 netpoller：从 10 到 10,000 个连接实测",
	},
	Port:   9013,
	NoLab:  true,
	Unix:   true,
	Params: func() any { return &params{Conns: 1000, Active: 10, Requests: 100} },
	Run:    run,
	Serve:  serve,
}

// params are the demo's own flags.
type params struct {
	Conns    int `flag:"conns" help:"largest number of open connections: the curve runs 10, 100, 1000, … up to it (10000 for the full curve)" min:"10" max:"10000"`
	Active   int `flag:"active" help:"how many of the open connections send requests; the others stay idle" min:"1" max:"1000"`
	Requests int `flag:"requests" help:"requests each active connection sends per measurement" min:"10" max:"100000"`
}

// connSteps is the curve's x axis: 10, 100, 1000, … up to max, and max
// itself when it is not a power of ten.
func connSteps(max int) []int {
	var out []int
	for n := 10; n <= max; n *= 10 {
		out = append(out, n)
	}
	if out[len(out)-1] != max {
		out = append(out, max)
	}
	return out
}
