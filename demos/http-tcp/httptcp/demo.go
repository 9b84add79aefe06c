// Package httptcp is the http-tcp demo: HTTP rides on TCP: raw bytes, keep-alive, HTTP/2 streams.
package httptcp

import (
	"context"
	"errors"

	"github.com/netdemo/netdemo/internal/demo"
)

// Demo is registered in package demos.
var Demo = &demo.Demo{
	Name:     "http-tcp",
	Question: demo.Question{Zh: "http和tcp的关系", En: "How does HTTP relate to TCP?"},
	Summary:  demo.Text{En: "HTTP rides on TCP: raw bytes, keep-alive, HTTP/2 streams", Zh: "HTTP 跑在 TCP 之上：原始字节、keep-alive、HTTP/2 流"},
	Port:     8000,
	Run: func(ctx context.Context, r *demo.Run) error {
		return errors.New("not written yet")
	},
}
