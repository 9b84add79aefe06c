//go:build unix

package workers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
)

// serve keeps a pre-fork server up on --addr (127.0.0.1:9014 by default):
// a master (this process) and --workers worker processes, each answering
// with its PID. Killing a worker shows the master replacing it; Ctrl-C is a
// graceful stop.
func serve(ctx context.Context, r *demo.Run) error {
	p := demo.ParamsOf[*params](r)
	if p == nil {
		p = defaultParams()
	}
	m, err := startMaster(ctx, r.Addr, p.Workers, true)
	if errors.Is(err, errAddrInUse) {
		return fmt.Errorf(r.T("%s is already in use; pick another with --addr, e.g. --addr 127.0.0.1:0", "%s 已被占用；用 --addr 换一个，例如 --addr 127.0.0.1:0"), r.Addr)
	}
	if err != nil {
		return fmt.Errorf("starting the pre-fork server: %w", err)
	}
	stopped := false
	r.OnClose(func() {
		if !stopped {
			m.Stop(time.Second)
		}
	})
	r.Event("listening", map[string]any{"addr": m.Addr(), "workers": m.PIDs()})
	r.Printf(r.T("pre-fork server on http://%s: master %s, workers %v", "pre-fork 服务器 http://%s：master %s，工作进程 %v"), m.Addr(), r.T("(this process)", "（本进程）"), m.PIDs())
	r.Printf("%s", r.T("Try, in another terminal:", "在另一个终端里试试："))
	r.Pre("  for i in $(seq 10); do curl -s http://%s/; done    # %s", m.Addr(), r.T("which PIDs answer", "看是哪些 PID 在回答"))
	r.Pre("  kill -9 <PID>    # %s", r.T("the master starts a replacement", "master 会启动替补"))
	r.Pre("  curl -s 'http://%s/slow?ms=3000'    # %s", m.Addr(), r.T("then Ctrl-C here: it still completes (graceful)", "然后在这里按 Ctrl-C：它仍会完成（优雅退出）"))
	for {
		select {
		case ex := <-m.exits:
			how := fmt.Sprintf(r.T("status %d", "状态 %d"), ex.Code)
			if ex.Signal != "" {
				how = ex.Signal
			}
			if ex.ReplaceErr != nil {
				r.Printf(r.T("worker %d exited (%s); no replacement: %v", "工作进程 %d 退出（%s）；替补未能启动：%v"), ex.PID, how, ex.ReplaceErr)
			} else if ex.Replacement != 0 {
				r.Printf(r.T("worker %d exited (%s); reaped, started worker %d", "工作进程 %d 退出（%s）；已回收，启动了 %d 号工作进程"), ex.PID, how, ex.Replacement)
			}
		case <-ctx.Done():
			stopped = true
			codes := m.Stop(10 * time.Second)
			r.Printf(r.T("stopped: SIGTERM to every worker; exit status by PID: %s", "已停止：向每个工作进程发送 SIGTERM；各 PID 的退出状态：%s"), servedList(codes))
			return nil
		}
	}
}
