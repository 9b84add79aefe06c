package tlsdemo

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/netdemo/netdemo/certs"
	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/netx"
)

// netxLoopback is the kernel's network, where everything but the TLS 1.2
// vs 1.3 timing runs (that one wants the lab's round-trip time).
var netxLoopback = netx.Loopback

// password is what the attacks try to read: it travels in every login.
const password = "hunter2"

// loginBody is the form the client posts.
const loginBody = "user=alice&password=" + password

// world is what the steps share: the run, the demo PKI, the real site on
// loopback, and the key log every client of the run writes to.
type world struct {
	r    *demo.Run
	pki  *certs.PKI
	site *site
	res  result
	main *first
	evil *attacker

	mu     sync.Mutex
	keylog bytes.Buffer
	keyw   io.Writer // keylog, and the --keylog file
}

func (w *world) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.keyw.Write(b)
}

func (w *world) keyLog() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]byte(nil), w.keylog.Bytes()...)
}

// client is the honest client: it trusts only the demo root, and writes
// its secrets to the key log (that is how Wireshark and this demo decrypt).
func (w *world) client(serverName string) *tls.Config {
	cfg := w.pki.ClientConfig(serverName)
	cfg.KeyLogWriter = w
	cfg.NextProtos = []string{"http/1.1"}
	return cfg
}

func run(ctx context.Context, r *demo.Run) error {
	p, err := certs.Demo()
	if err != nil {
		return fmt.Errorf("making the demo PKI: %w", err)
	}
	w := &world{r: r, pki: p}
	w.keyw = &w.keylog
	if keylogPath := demo.ParamsOf[*params](r).Keylog; keylogPath != "" {
		f, err := os.OpenFile(keylogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("opening --keylog file: %w", err)
		}
		r.OnClose(func() { f.Close() })
		w.keyw = io.MultiWriter(&w.keylog, f)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if w.site, err = startSite(ctx, netxLoopback, "127.0.0.1:0", p.ServerConfig()); err != nil {
		return err
	}
	defer w.site.Close()

	steps := []func(context.Context) error{
		w.stepHandshake, w.stepChain, w.stepKeys, w.stepPlainHTTP, w.stepResume, w.stepVersions,
		w.stepCertAttacks, w.stepTampered, w.stepTrustedMITM, w.stepHSTS,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	r.Result(w.res)
	return nil
}

// ms rounds a duration to hundredths of a millisecond.
func ms(d time.Duration) float64 {
	return float64(int64(d.Seconds()*1e5+0.5)) / 100
}
