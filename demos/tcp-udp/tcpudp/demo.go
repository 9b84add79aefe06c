// Package tcpudp is the tcp-udp demo: TCP vs UDP on real sockets: handshake, boundaries, loss, order, overhead.
package tcpudp

import (
	"context"
	"errors"

	"github.com/netdemo/netdemo/internal/demo"
)

// Demo is registered in package demos.
var Demo = &demo.Demo{
	Name:     "tcp-udp",
	Question: demo.Question{Zh: "udp和tcp的区别", En: "What is the difference between UDP and TCP?"},
	Summary:  demo.Text{En: "TCP vs UDP on real sockets: handshake, boundaries, loss, order, overhead", Zh: "真实套接字上的 TCP 与 UDP：握手、消息边界、丢包、顺序、开销"},
	Port:     9000,
	Run: func(ctx context.Context, r *demo.Run) error {
		return errors.New("not written yet")
	},
}
