package tlsdemo

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/netdemo/netdemo/certs"
	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/netx"
)

// serveReady, when set (tests), is called with the address served and the
// path of the root certificate once the server is up.
var serveReady func(addr, rootPath string)

// serve keeps HTTPS up on r.Addr with the demo chain and prints the
// commands to try, with the path of a root file outside clients can
// verify against.
func serve(ctx context.Context, r *demo.Run) error {
	p, root, cleanup, err := servingPKI()
	if err != nil {
		return err
	}
	defer cleanup()
	cfg := p.ServerConfig()
	keylogPath := demo.ParamsOf[*params](r).Keylog
	if keylogPath != "" {
		f, err := os.OpenFile(keylogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("opening --keylog file: %w", err)
		}
		defer f.Close()
		cfg.KeyLogWriter = f
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s, err := startSite(ctx, netxLoopback, r.Addr, cfg)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) || strings.Contains(err.Error(), "address already in use") {
			return fmt.Errorf("%s is already in use; pick another with --addr", r.Addr)
		}
		return err
	}
	defer s.Close()
	addr := netx.Bound(r.Addr, s.ln.Addr())
	_, port, _ := net.SplitHostPort(addr)
	r.Printf(r.T("HTTPS with the netdemo chain on https://%s (Ctrl-C to stop)", "HTTPS（netdemo 证书链）运行在 https://%s（Ctrl-C 停止）"), addr)
	r.Printf(r.T("root certificate (trust only this): %s", "根证书（只信任它）：%s"), root)
	r.Printf("%s", r.T("\nTry:", "\n试试："))
	r.Printf("  %s", fmt.Sprintf("openssl s_client -connect 127.0.0.1:%s -CAfile %s -verify_hostname localhost -verify_return_error", port, root))
	r.Printf("  %s", fmt.Sprintf("curl --cacert %s https://localhost:%s/", root, port))
	r.Printf("  %s", fmt.Sprintf("curl -v --cacert %s https://localhost:%s/login -d user=alice", root, port))
	if keylogPath != "" {
		r.Printf(r.T("  secrets go to %s: wireshark -o tls.keylog_file:%s", "  密钥写入 %s：wireshark -o tls.keylog_file:%s"), keylogPath, keylogPath)
	}
	r.Event("serving", map[string]any{"addr": addr, "root": root})
	if serveReady != nil {
		serveReady(addr, root)
	}
	// A log line for each failed connection: a handshake refused, a
	// client that spoke plain HTTP to this port (it got a 400).
	for {
		err, ok := s.nextError(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if !ok {
			continue
		}
		var rhe tls.RecordHeaderError
		if errors.As(err, &rhe) && looksLikeHTTP(rhe.RecordHeader[:]) {
			r.Printf("%s", r.T("  a client sent plain HTTP to this HTTPS port: answered 400 (use https://)", "  有客户端向这个 HTTPS 端口发送了明文 HTTP：已回答 400（请用 https://）"))
			continue
		}
		r.Printf(r.T("  a connection failed: %v", "  一个连接失败了：%v"), err)
	}
}

// servingPKI picks the chain to serve. If `netdemo certs` wrote one into
// certs/out (and we run from the repository's root), serve that one: its
// root may already be in the user's browser. Otherwise serve this
// process's in-memory PKI and write its root to a temporary file, removed
// by cleanup.
func servingPKI() (p *certs.PKI, root string, cleanup func(), err error) {
	if p, err := certs.Load(certs.DefaultDir, time.Now()); err == nil {
		root, _ := filepath.Abs(filepath.Join(certs.DefaultDir, certs.RootFile))
		return p, root, func() {}, nil
	}
	if p, err = certs.Demo(); err != nil {
		return nil, "", nil, fmt.Errorf("making the demo PKI: %w", err)
	}
	dir, err := os.MkdirTemp("", "netdemo-tls-")
	if err != nil {
		return nil, "", nil, fmt.Errorf("making a folder for the root certificate: %w", err)
	}
	root = filepath.Join(dir, certs.RootFile)
	if err := os.WriteFile(root, certs.PEM(p.Root), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, "", nil, fmt.Errorf("writing the root certificate: %w", err)
	}
	return p, root, func() { os.RemoveAll(dir) }, nil
}
