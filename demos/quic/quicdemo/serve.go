package quicdemo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/netdemo/netdemo/certs"
	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/netx"
)

// serve keeps HTTP/3 up on r.Addr/udp and HTTPS (h2, http/1.1) on the same
// port over TCP, the way real sites deploy HTTP/3: a client first reaches
// the TCP server, reads its Alt-Svc header, and switches to QUIC.
func serve(ctx context.Context, r *demo.Run) error {
	p, err := certs.Demo()
	if err != nil {
		return fmt.Errorf("making the demo certificates: %w", err)
	}
	s := &site{}
	pc, ln, port, err := listenSamePort(ctx, r.Addr)
	if err != nil {
		return err
	}
	host, _, _ := net.SplitHostPort(r.Addr)
	addr := netx.Bound(r.Addr, ln.Addr())
	altSvc := fmt.Sprintf(`h3=":%d"; ma=3600`, port)
	mux := s.handler()
	h := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Alt-Svc", altSvc)
		mux.ServeHTTP(w, req)
	})
	h3, err := serveH3(pc, p.ServerConfig(), h)
	if err != nil {
		ln.Close()
		return err
	}
	defer h3.Close()
	tcp := serveTCP(ln, p.ServerConfig(), h)
	defer tcp.Close()

	dir, err := os.MkdirTemp("", "netdemo-quic-")
	if err != nil {
		return fmt.Errorf("making a folder for the root certificate: %w", err)
	}
	defer os.RemoveAll(dir)
	root := filepath.Join(dir, certs.RootFile)
	if err := os.WriteFile(root, certs.PEM(p.Root), 0o644); err != nil {
		return fmt.Errorf("writing the root certificate: %w", err)
	}

	urlHost := host
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		urlHost = "127.0.0.1"
	}
	url := "https://" + net.JoinHostPort(urlHost, strconv.Itoa(int(port))) + "/"
	r.Event("listening", map[string]any{"h3": addr + "/udp", "https": addr + "/tcp", "root": root, "alt_svc": altSvc})
	r.Printf(r.T("HTTP/3 (QUIC over UDP): %s/udp\nHTTPS (HTTP/2 and HTTP/1.1 over TLS over TCP): %s/tcp, answering with Alt-Svc: %s\nTrust anchor for this run: %s",
		"HTTP/3（QUIC over UDP）：%s/udp\nHTTPS（TLS over TCP 上的 HTTP/2 与 HTTP/1.1）：%s/tcp，响应带 Alt-Svc: %s\n本次运行的信任根证书：%s"), addr, addr, altSvc, root)
	r.Printf("%s", r.T("Try, in another terminal:", "在另一个终端里试试："))
	r.Printf("  curl --cacert %s -si %s                # %s", root, url, r.T("TCP; note the alt-svc header", "TCP；注意 alt-svc 头"))
	r.Printf("  curl --cacert %s -si --http3-only %s   # %s", root, url, r.T("QUIC; needs a curl built with HTTP/3 (curl -V lists HTTP3)", "QUIC；需要支持 HTTP/3 的 curl（curl -V 里有 HTTP3）"))
	r.Printf("  curl --cacert %s --http3-only -o /dev/null -w '%%{http_version} %%{time_total}s\\n' '%sblob?n=1000000'", root, url)
	r.Printf("%s", r.T("From Go: an http3.Transport whose TLSClientConfig trusts that root (see Example_get in demos/quic/quicdemo/example_test.go). Ctrl-C stops the servers.",
		"用 Go：http3.Transport，TLSClientConfig 信任上面的根证书（见 demos/quic/quicdemo/example_test.go 里的 Example_get）。按 Ctrl-C 停止服务器。"))

	<-ctx.Done()
	r.Printf(r.T("stopped: %d QUIC connections, %d TCP connections.", "已停止：%d 个 QUIC 连接，%d 个 TCP 连接。"), h3.conns.Load(), tcp.conns.Load())
	return nil
}

// inUse gives a taken port the runner's one-line advice.
// listenSamePort listens on addr for UDP and TCP with one port number, so
// that Alt-Svc can say "same port". UDP goes first: with port 0 the kernel
// picks a UDP port, and TCP takes the same number; when that number is
// already taken for TCP, another is picked (a few times), since the user
// asked for any free port.
func listenSamePort(ctx context.Context, addr string) (net.PacketConn, net.Listener, uint16, error) {
	host, p, _ := net.SplitHostPort(addr)
	tries := 1
	if p == "0" {
		tries = 10
	}
	var err error
	for i := 0; i < tries; i++ {
		pc, uerr := netx.Loopback.ListenPacket(ctx, "udp", addr)
		if uerr != nil {
			return nil, nil, 0, inUse(addr, "udp", uerr)
		}
		port := netx.Port(pc.LocalAddr())
		tcpAddr := net.JoinHostPort(host, strconv.Itoa(int(port)))
		ln, terr := netx.Loopback.Listen(ctx, "tcp", tcpAddr)
		if terr == nil {
			return pc, ln, port, nil
		}
		pc.Close()
		err = inUse(tcpAddr, "tcp", terr)
	}
	return nil, nil, 0, err
}

func inUse(addr, network string, err error) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("%s/%s is already in use; pick another with --addr, e.g. --addr 127.0.0.1:0", addr, network)
	}
	return fmt.Errorf("listening on %s/%s: %w", addr, network, err)
}
