package deploy

import (
	"context"

	"github.com/netdemo/netdemo/internal/demo"
)

// run shows the chain hop by hop, then each gateway interface on the wire,
// then their cost side by side. The parts that take time to start (app
// server processes, python3, nginx and gunicorn) start first, in the
// background, while the in-process steps run.
func run(ctx context.Context, r *demo.Run) error {
	p := demo.ParamsOf[*params](r)
	dir, err := newSockDir()
	if err != nil {
		return err
	}
	r.OnClose(func() { dir.Remove() })

	foc := make(chan *failoverServers, 1)
	go func() { foc <- startFailoverServers(ctx, dir) }()
	pyc := make(chan *pyServers, 1)
	go func() { pyc <- startPython(ctx, dir) }()
	realc := make(chan *realStackProcs, 1)
	go func() { realc <- startRealStack(ctx, dir, p.Workers) }()
	var fo *failoverServers
	var py *pyServers
	var rs *realStackProcs
	r.OnClose(func() {
		// Whatever started, stop it, even when a step failed early.
		if fo == nil {
			fo = <-foc
		}
		fo.Close()
		if py == nil {
			py = <-pyc
		}
		py.Close()
		if rs == nil {
			rs = <-realc
		}
		rs.Close()
	})

	c, err := startChain(ctx, dir, "127.0.0.1:0", "127.0.0.1:0")
	if err != nil {
		return err
	}
	r.OnClose(c.Close)
	res := result{Timing: map[string]timing{}}
	steps := []func() error{
		func() error { return showChain(ctx, r, c, &res) },
		func() error { return showStatic(ctx, r, c, &res) },
		func() error { return showTLS(ctx, r, c, &res) },
		func() error { return showBuffering(ctx, r, dir, p.Slow, &res) },
		func() error { fo = <-foc; return showFailover(ctx, r, fo, &res) },
		func() error { return showUnixTCP(ctx, r, c, p.Requests, &res) },
		func() error { return showCGI(ctx, r, c) },
		func() error { return showFastCGI(ctx, r, c, &res) },
		func() error { return showUWSGI(ctx, r, c, &res) },
		func() error { py = <-pyc; return showWSGI(ctx, r, c, py, &res) },
		func() error { return showTiming(ctx, r, c, py, p.Requests, &res) },
		func() error { rs = <-realc; return showRealStack(ctx, r, rs, p.Requests, &res) },
		func() error { return showBadInput(ctx, r, c, &res) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	res.CGIProcesses = c.cgi.processes()
	r.Measure("cgi_processes", res.CGIProcesses, r.T("CGI processes started", "个 CGI 进程被启动"))
	r.Result(res)
	return nil
}
