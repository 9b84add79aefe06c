package tcpudp

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/servers/echo"
)

// serve keeps the two echo servers up on --addr (127.0.0.1:9000 by default)
// until ctx is done, telling the user what each one sees: the TCP server a
// connection and reads of a byte stream, the UDP server datagrams from
// whoever sends them.
func serve(ctx context.Context, r *demo.Run) error {
	srv, err := echo.Listen(ctx, netx.Loopback, r.Addr, echo.Config{
		Logf: func(format string, args ...any) { r.Printf("  "+format, args...) },
	})
	var inUse *echo.AddrInUseError
	if errors.As(err, &inUse) {
		return fmt.Errorf("%s is already in use (%s); pick another with --addr, e.g. --addr 127.0.0.1:0", r.Addr, inUse.Network)
	}
	if err != nil {
		return fmt.Errorf("starting the echo servers on %s: %w", r.Addr, err)
	}
	defer srv.Close()

	tcpAddr, udpAddr := netx.Bound(r.Addr, srv.TCPAddr()), netx.Bound(r.Addr, srv.UDPAddr())
	host, port, _ := net.SplitHostPort(tcpAddr)
	r.Event("listening", map[string]any{"tcp": tcpAddr, "udp": udpAddr})
	r.Printf(r.T("TCP echo server: %s\nUDP echo server: %s", "TCP 回显服务器：%s\nUDP 回显服务器：%s"), tcpAddr, udpAddr)
	r.Printf("%s", r.T("Try, in another terminal (type a line, it comes back):", "在另一个终端里试试（输入一行，它会原样回来）："))
	r.Printf("  nc %s %s        # TCP", host, port)
	r.Printf("  nc -u %s %s     # UDP", host, port)
	r.Printf("%s", r.T("Each connection and datagram is shown below. Ctrl-C stops the servers.",
		"下面会显示每个连接和每个数据报。按 Ctrl-C 停止服务器。"))

	<-ctx.Done()
	if err := srv.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("closing the echo servers: %w", err)
	}
	st := srv.Stats()
	r.Printf(r.T("stopped: %d TCP connections (%d bytes echoed), %d UDP datagrams (%d bytes echoed).",
		"已停止：%d 个 TCP 连接（回显 %d 字节），%d 个 UDP 数据报（回显 %d 字节）。"), st.TCPConns, st.TCPBytes, st.UDPDatagrams, st.UDPBytes)
	return nil
}
