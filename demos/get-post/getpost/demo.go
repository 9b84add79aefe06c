// Package getpost is the get-post demo: GET vs POST: safety, idempotency, retries, Idempotency-Key.
package getpost

import (
	"context"
	"errors"

	"github.com/netdemo/netdemo/internal/demo"
)

// Demo is registered in package demos.
var Demo = &demo.Demo{
	Name:     "get-post",
	Question: demo.Question{Zh: "get和post的区别，既然功能差不多，post存在的意义，幂等操作等", En: "GET vs POST: why does POST exist, and what is idempotency?"},
	Summary:  demo.Text{En: "GET vs POST: safety, idempotency, retries, Idempotency-Key", Zh: "GET 与 POST：安全、幂等、重试与 Idempotency-Key"},
	Port:     8080,
	Run: func(ctx context.Context, r *demo.Run) error {
		return errors.New("not written yet")
	},
}
