package iomux

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/netdemo/netdemo/demos/io-mux/iomux/echo"
	"github.com/netdemo/netdemo/demos/io-mux/iomux/remote"
	"github.com/netdemo/netdemo/internal/demo"
)

// curve is every server measured at every number of connections.
type curve struct {
	steps  []int
	phases map[echo.Kind][]remote.Phase
	limit  map[echo.Kind]string
}

// measureCurve runs each server in its own process and grows its clients
// through steps, measuring at each.
func measureCurve(ctx context.Context, r *demo.Run, steps []int, active, requests int) (*curve, error) {
	c := &curve{steps: steps, phases: map[echo.Kind][]remote.Phase{}, limit: map[echo.Kind]string{}}
	total, done := len(echo.Kinds)*len(steps), 0
	for _, k := range echo.Kinds {
		if err := c.measureOne(ctx, r, k, active, requests, func() {
			done++
			r.Progress(r.T("measuring ", "测量 ")+name(r, k), done, total)
		}); err != nil {
			r.ProgressDone()
			return nil, err
		}
	}
	r.ProgressDone()
	return c, nil
}

func (c *curve) measureOne(ctx context.Context, r *demo.Run, k echo.Kind, active, requests int, tick func()) error {
	maxN := c.steps[len(c.steps)-1]
	srv, err := remote.Start(ctx, k, echo.Config{}, maxN+1000)
	if err != nil {
		return err
	}
	defer srv.Stop()
	cl := remote.NewClients(srv.Addr)
	defer cl.Close()
	for i, n := range c.steps {
		if k == echo.Select && srv.Hello.FDs+n >= echo.FDSetSize {
			// The server's own descriptors (stdio, listener, wake pipe)
			// come first; n more would cross FD_SETSIZE.
			c.limit[k] = fmt.Sprintf(r.T("select cannot watch %d connections: with the %d descriptors the process already holds, their numbers would reach %d and fd_set ends at %d",
				"select 无法监视 %d 个连接：加上进程已占用的 %d 个描述符，编号会达到 %d，而 fd_set 只到 %d"),
				n, srv.Hello.FDs, srv.Hello.FDs+n-1, echo.FDSetSize-1)
			for range c.steps[i:] {
				tick()
			}
			return nil
		}
		ph, err := remote.Measure(ctx, srv, cl, n, active, requests)
		var nw *remote.ErrNotWatched
		if errors.As(err, &nw) {
			c.limit[k] = fmt.Sprintf(r.T("at %d connections: %v", "在 %d 个连接时：%v"), n, err)
			for range c.steps[i:] {
				tick()
			}
			return nil
		}
		if err != nil {
			if srv.Exited() {
				c.limit[k] = fmt.Sprintf(r.T("the server process died at %d connections: %s", "服务器进程在 %d 个连接时退出：%s"), n, srv.Died())
				for range c.steps[i:] {
					tick()
				}
				return nil
			}
			return fmt.Errorf("measuring the %s server at %d connections: %w", k, n, err)
		}
		c.phases[k] = append(c.phases[k], ph)
		tick()
	}
	return nil
}

// name is how the text calls a server model.
func name(r *demo.Run, k echo.Kind) string {
	switch k {
	case echo.Threads:
		return r.T("thread/conn", "每连接一线程")
	case echo.Epoll:
		return echo.EventMechanism
	case echo.Netpoll:
		return r.T("Go netpoll", "Go netpoller")
	}
	return string(k)
}

func us(d time.Duration) float64 { return round1(float64(d) / float64(time.Microsecond)) }

func round2(x float64) float64 { return float64(int64(x*100+0.5)) / 100 }

func round1(x float64) float64 {
	if x < 0 {
		return -float64(int64(-x*10+0.5)) / 10
	}
	return float64(int64(x*10+0.5)) / 10
}

func toRow(ph remote.Phase) row {
	rw := row{Conns: ph.Conns, P50US: us(ph.P50), P99US: us(ph.P99), CPUUSPer1k: us(ph.CPUPer1k()),
		OSThreads: ph.Threads, RSSKBPerConn: round1(ph.RSSKBPerConn())}
	if s := ph.ScannedPerWake(); s >= 0 {
		s = round1(s)
		rw.FdsScannedPerWake = &s
	}
	return rw
}

func (c *curve) rows(k echo.Kind) serverResult {
	res := serverResult{ByConns: []row{}, Limit: c.limit[k]}
	for _, ph := range c.phases[k] {
		res.ByConns = append(res.ByConns, toRow(ph))
	}
	return res
}

func (c *curve) result() servers {
	return servers{Threads: c.rows(echo.Threads), Select: c.rows(echo.Select), Poll: c.rows(echo.Poll),
		Epoll: c.rows(echo.Epoll), Netpoll: c.rows(echo.Netpoll)}
}

// at returns k's phase at n connections.
func (c *curve) at(k echo.Kind, n int) (remote.Phase, bool) {
	for _, ph := range c.phases[k] {
		if ph.Conns == n {
			return ph, true
		}
	}
	return remote.Phase{}, false
}
