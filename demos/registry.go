// Package demos is the list of demos, in the order of the tour, with their
// explanations embedded. It is the one place that order lives: `netdemo
// tour`, `netdemo list` and every `go run ./demos/NAME` read it.
//
// # Layout of a demo
//
// demos/NAME/ holds main.go (package main: `demo.Main(demos.Lookup(NAME))`),
// README.md and README.zh.md, and the demo's code in one inner package,
// demos/NAME/PKG. PKG is NAME without its dashes (tcp-udp → tcpudp,
// io-mux → iomux), with "demo" added when that word is already the name of
// a package the demo imports or that a reader knows from the standard
// library or our dependencies (tls → tlsdemo, trace → tracedemo, quic →
// quicdemo), so that `tls.Config` always means crypto/tls. TestLayout
// holds every demo to it.
package demos

import (
	"embed"
	"io/fs"

	"github.com/netdemo/netdemo/demos/deploy/deploy"
	"github.com/netdemo/netdemo/demos/get-post/getpost"
	"github.com/netdemo/netdemo/demos/http-tcp/httptcp"
	"github.com/netdemo/netdemo/demos/io-mux/iomux"
	"github.com/netdemo/netdemo/demos/quic/quicdemo"
	"github.com/netdemo/netdemo/demos/tcp-life/tcplife"
	"github.com/netdemo/netdemo/demos/tcp-udp/tcpudp"
	"github.com/netdemo/netdemo/demos/tls/tlsdemo"
	"github.com/netdemo/netdemo/demos/trace/tracedemo"
	"github.com/netdemo/netdemo/demos/workers/workers"
	"github.com/netdemo/netdemo/internal/demo"
)

//go:embed */README.md */README.zh.md
var docs embed.FS

// tour is the reading order: the transport and its follow-ups first, then
// HTTP over it, how it is secured and what its methods mean, then how a
// web app is deployed and the machinery under its servers (multiplexing,
// processes and threads), and last the trace that shows the wire of it all.
var tour = []*demo.Demo{
	tcpudp.Demo,
	tcplife.Demo,
	httptcp.Demo,
	quicdemo.Demo,
	tlsdemo.Demo,
	getpost.Demo,
	deploy.Demo,
	iomux.Demo,
	workers.Demo,
	tracedemo.Demo,
}

// registered is the tour with each demo's explanation attached: copies, so
// that the demo packages' own values are never written to.
var registered = withDocs(tour)

func withDocs(ds []*demo.Demo) []*demo.Demo {
	out := make([]*demo.Demo, len(ds))
	for i, d := range ds {
		sub, err := fs.Sub(docs, d.Name)
		if err != nil {
			panic("demos: no explanation folder for " + d.Name)
		}
		c := *d
		c.Docs = sub
		out[i] = &c
	}
	return out
}

// All returns the demos in tour order.
func All() []*demo.Demo { return registered }

// Lookup finds a demo by name, or returns nil.
func Lookup(name string) *demo.Demo {
	for _, d := range registered {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// Names lists the demo names in tour order.
func Names() []string {
	names := make([]string, len(registered))
	for i, d := range registered {
		names[i] = d.Name
	}
	return names
}
