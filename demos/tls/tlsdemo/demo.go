// Package tlsdemo is the tls demo: HTTPS for real: TLS 1.3 handshake, certificate chain, keys, attacks that fail.
package tlsdemo

import (
	"context"
	"errors"

	"github.com/netdemo/netdemo/internal/demo"
)

// Demo is registered in package demos.
var Demo = &demo.Demo{
	Name:     "tls",
	Question: demo.Question{Zh: "http和https的区别，说了加密的过程，又问了https的证书，如何防止攻击？", En: "HTTP vs HTTPS: how is it encrypted, what is the certificate, how are attacks prevented?"},
	Summary:  demo.Text{En: "HTTPS for real: TLS 1.3 handshake, certificate chain, keys, attacks that fail", Zh: "真实的 HTTPS：TLS 1.3 握手、证书链、密钥推导、失败的攻击"},
	Port:     8443,
	Run: func(ctx context.Context, r *demo.Run) error {
		return errors.New("not written yet")
	},
}
