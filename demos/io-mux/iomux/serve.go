package iomux

import (
	"context"
	"fmt"
	"net"
	"strconv"

	"github.com/netdemo/netdemo/demos/io-mux/iomux/echo"
	"github.com/netdemo/netdemo/internal/demo"
)

// serve keeps the five echo servers up on --addr and the four ports after
// it, for nc and for load tools, until ctx is done.
func serve(ctx context.Context, r *demo.Run) error {
	host, portStr, err := net.SplitHostPort(r.Addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", r.Addr, err)
	}
	port, _ := strconv.Atoi(portStr)
	var started []echo.Server
	defer func() {
		for _, s := range started {
			s.Close()
		}
	}()
	for i, k := range echo.Kinds {
		p := 0
		if port != 0 {
			p = port + i
		}
		s, err := echo.Listen(k, net.JoinHostPort(host, strconv.Itoa(p)), echo.Config{})
		if err != nil {
			return fmt.Errorf("%w (pick another base port with --addr, e.g. --addr 127.0.0.1:0)", err)
		}
		started = append(started, s)
		r.Event("listening", map[string]any{"server": string(k), "addr": s.Addr()})
		r.Printf("  %-12s %s    nc %s", name(r, k), s.Addr(), spaced(s.Addr()))
	}
	r.Printf("%s", r.T("Each echoes every byte back. Ctrl-C stops them.", "每个都把收到的字节原样发回。按 Ctrl-C 停止。"))
	<-ctx.Done()
	for i, s := range started {
		s.Close()
		st := s.Stats()
		r.Printf(r.T("  %s: connections accepted %d, bytes echoed %d", "  %s：接受连接 %d 个，回显 %d 字节"), name(r, echo.Kinds[i]), st.Accepted, st.Bytes)
	}
	started = nil
	return nil
}

func spaced(addr string) string {
	h, p, _ := net.SplitHostPort(addr)
	return h + " " + p
}
