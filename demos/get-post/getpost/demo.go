package getpost

import (
	"context"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/lab"
)

// Demo is registered in package demos.
var Demo = &demo.Demo{
	Name:     "get-post",
	Question: demo.Question{Zh: "get和post的区别，既然功能差不多，post存在的意义，幂等操作等", En: "GET vs POST: why does POST exist, and what is idempotency?"},
	Summary:  demo.Text{En: "GET vs POST: safety, idempotency, retries, Idempotency-Key", Zh: "GET 与 POST：安全、幂等、重试与 Idempotency-Key"},
	Port:     8080,
	Link:     lab.Link{RTT: 40 * time.Millisecond},
	Params:   func() any { return &params{HeaderTimeout: time.Second} },
	Run:      run,
	Serve:    serve,
}

// params are the demo's own flags.
type params struct {
	ClientTimeout time.Duration `flag:"client-timeout" help:"how long the lab client waits for a response before it retries (0 = 6×RTT + 250ms)" min:"0s" max:"1m"`
	HeaderTimeout time.Duration `flag:"header-timeout" help:"the server's ReadHeaderTimeout in the slowloris step" min:"1ms" max:"1m"`
	Data          string        `flag:"data" help:"keep orders and Idempotency-Keys in an SQLite database in this directory (default: in memory, lost on exit)"`
}

// run shows the methods on the kernel's loopback first (their meaning does
// not depend on the network), then loses responses on the lab. The slow
// measurements (slowloris, the lab steps, the crash) start at once and run
// while the earlier steps print; each step is narrated in order.
func run(ctx context.Context, r *demo.Run) error {
	res := &Result{}
	local, err := startLocal(ctx, r)
	if err != nil {
		return err
	}
	slow := measure(func() (*slowloris, error) { return measureSlowloris(ctx, headerTimeout(r)) })
	labs, err := startLabSteps(ctx, r)
	if err != nil {
		return err
	}
	crash := measure(func() ([2]crashOutcome, error) { return measureCrash(ctx, r) })
	// Even when a step fails first, the crash measurement finishes (its
	// children stopped, its data directories removed) before the run ends.
	r.OnClose(func() {
		select {
		case <-crash.done:
		case <-time.After(15 * time.Second):
		}
	})
	steps := []func(context.Context, *demo.Run, *localAPI, *Result) error{
		stepSafe, stepPost, stepPut, stepDelete, stepPatch, stepWire, stepCache, stepBadInput,
	}
	for _, s := range steps {
		if err := s(ctx, r, local, res); err != nil {
			return err
		}
	}
	if err := stepSlowloris(ctx, r, slow); err != nil {
		return err
	}
	for _, s := range []func(context.Context, *demo.Run, *labSteps, *Result) error{stepLostGet, stepLostPost, stepLostKey, stepKeyConflict} {
		if err := s(ctx, r, labs, res); err != nil {
			return err
		}
	}
	if err := stepCrashRetry(ctx, r, crash, res); err != nil {
		return err
	}
	if err := stepTransportRetry(ctx, r, res); err != nil {
		return err
	}
	// Booleans of the result, as the explanation's words.
	setBool(r, "patch_repeat_changed", res.PatchRepeatChanged)
	for name, v := range map[string]bool{"GET": res.GoTransportRetried.GET, "HEAD": res.GoTransportRetried.HEAD, "PUT": res.GoTransportRetried.PUT,
		"DELETE": res.GoTransportRetried.DELETE, "POST": res.GoTransportRetried.POST, "POST_with_key": res.GoTransportRetried.POSTWithKey} {
		setBool(r, "go_transport_retried."+name, v)
	}
	r.Result(res)
	return nil
}

// setBool gives a yes/no placeholder its value: true or false in English
// (as in the JSON), 是 or 否 in Chinese.
func setBool(r *demo.Run, name string, v bool) {
	if r.Lang != "zh" {
		r.Set(name, v)
		return
	}
	if v {
		r.Set(name, "是")
	} else {
		r.Set(name, "否")
	}
}
