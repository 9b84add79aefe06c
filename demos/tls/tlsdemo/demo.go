package tlsdemo

import (
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/lab"
)

// Demo is registered in package demos.
var Demo = &demo.Demo{
	Name:     "tls",
	Question: demo.Question{Zh: "http和https的区别，说了加密的过程，又问了https的证书，如何防止攻击？", En: "HTTP vs HTTPS: how is it encrypted, what is the certificate, how are attacks prevented?"},
	Summary:  demo.Text{En: "HTTPS for real: TLS 1.3 handshake, certificate chain, keys, attacks that fail", Zh: "真实的 HTTPS：TLS 1.3 握手、证书链、密钥推导、失败的攻击"},
	Port:     8443,
	Link:     lab.Link{RTT: 50 * time.Millisecond},
	Params:   func() any { return &params{} },
	Run:      run,
	Serve:    serve,
}

// params are the demo's own flags.
type params struct {
	Keylog string `flag:"keylog" help:"append the TLS secrets of the demo's connections to this NSS key log file (for Wireshark: tls.keylog_file)"`
}
