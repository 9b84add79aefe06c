// Package tracedemo is the trace demo: Every packet of an exchange, captured and explained.
package tracedemo

import (
	"context"
	"errors"

	"github.com/netdemo/netdemo/internal/demo"
)

// Demo is registered in package demos.
var Demo = &demo.Demo{
	Name:     "trace",
	Question: demo.Question{Zh: "抓包：以上每个问题在线路上是什么样子", En: "What does all of this look like on the wire, packet by packet?"},
	Summary:  demo.Text{En: "Every packet of an exchange, captured and explained", Zh: "一次交互的每个数据包：抓取并逐个解释"},
	Port:     0,
	Run: func(ctx context.Context, r *demo.Run) error {
		return errors.New("not written yet")
	},
}
