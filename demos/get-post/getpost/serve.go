package getpost

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/servers/orders"
)

// serve keeps the orders API up on r.Addr for curl and friends.
func serve(ctx context.Context, r *demo.Run) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", r.Addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) || strings.Contains(err.Error(), "in use") || strings.Contains(err.Error(), "Only one usage") {
			return fmt.Errorf("%s is already in use; pick another with --addr", r.Addr)
		}
		return fmt.Errorf("listening on %s: %w", r.Addr, err)
	}
	cfg := orders.Config{
		AccessLog: func(line string) { r.Printf("  %s", line) },
		ErrorLog:  func(err error) { r.Printf("  %s", err) },
	}
	db, err := openData(r)
	if err != nil {
		ln.Close()
		return err
	}
	cfg.DB = db
	api := orders.New(cfg)
	srv := orders.NewHTTPServer(api, orders.Timeouts{})
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	base := "http://" + netx.Bound(r.Addr, ln.Addr())
	r.Event("listening", map[string]any{"addr": netx.Bound(r.Addr, ln.Addr()), "url": base})
	r.Printf(r.T("\nThe orders API is listening on %s (Ctrl-C to stop).", "\n订单 API 正在监听 %s（Ctrl-C 停止）。"), base)
	r.Printf("%s", storeLine(r, db))
	r.Printf("%s", r.T("Try, in this order:\n", "按顺序试试：\n"))
	for _, c := range TryCommands {
		r.Printf("  %s\n    %s", c.Line(base), fmt.Sprintf("→ %d, %s", c.Want, c.Note.In(r.Lang)))
	}
	r.Printf("%s", r.T("\nAccess log:", "\n访问日志："))

	select {
	case <-ctx.Done():
	case err := <-errc:
		return fmt.Errorf("serving on %s: %w", ln.Addr(), err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		srv.Close()
	}
	return nil
}
