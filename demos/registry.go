// Package demos is the list of demos, in the order of the tour, with their
// explanations embedded. It is the one place that order lives: `netdemo
// tour`, `netdemo list` and every `go run ./demos/NAME` read it.
package demos

import (
	"embed"
	"io/fs"

	"github.com/netdemo/netdemo/demos/deploy/deploy"
	"github.com/netdemo/netdemo/demos/get-post/getpost"
	"github.com/netdemo/netdemo/demos/http-tcp/httptcp"
	"github.com/netdemo/netdemo/demos/quic/quicdemo"
	"github.com/netdemo/netdemo/demos/tcp-udp/tcpudp"
	"github.com/netdemo/netdemo/demos/tls/tlsdemo"
	"github.com/netdemo/netdemo/demos/trace/tracedemo"
	"github.com/netdemo/netdemo/internal/demo"
)

//go:embed */README.md */README.zh.md
var docs embed.FS

// tour is the reading order: from the transport up, then the trace that
// shows all of it on the wire.
var tour = []*demo.Demo{
	tcpudp.Demo,
	httptcp.Demo,
	quicdemo.Demo,
	tlsdemo.Demo,
	getpost.Demo,
	tracedemo.Demo,
	deploy.Demo,
}

func init() {
	for _, d := range tour {
		sub, err := fs.Sub(docs, d.Name)
		if err != nil {
			panic("demos: no explanation folder for " + d.Name)
		}
		d.Docs = sub
	}
}

// All returns the demos in tour order.
func All() []*demo.Demo { return tour }

// Lookup finds a demo by name, or returns nil.
func Lookup(name string) *demo.Demo {
	for _, d := range tour {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// Names lists the demo names in tour order.
func Names() []string {
	names := make([]string, len(tour))
	for i, d := range tour {
		names[i] = d.Name
	}
	return names
}
