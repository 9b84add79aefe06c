// Package quicdemo is the quic demo: HTTP/3 over QUIC over UDP: handshake race, head-of-line blocking, 0-RTT.
package quicdemo

import (
	"context"
	"errors"

	"github.com/netdemo/netdemo/internal/demo"
)

// Demo is registered in package demos.
var Demo = &demo.Demo{
	Name:     "quic",
	Question: demo.Question{Zh: "http和tcp的关系（HTTP/3 为什么用 UDP）", En: "Why does HTTP/3 run over QUIC and UDP?"},
	Summary:  demo.Text{En: "HTTP/3 over QUIC over UDP: handshake race, head-of-line blocking, 0-RTT", Zh: "基于 QUIC/UDP 的 HTTP/3：握手竞速、队头阻塞、0-RTT"},
	Port:     8444,
	Run: func(ctx context.Context, r *demo.Run) error {
		return errors.New("not written yet")
	},
}
