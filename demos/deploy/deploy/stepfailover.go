package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/netdemo/netdemo/internal/child"
	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
)

// childApp is an app server in a process of its own, so that it can be
// killed: args are the socket path and the server's name.
const childApp = "deploy-app"

func init() { child.Register(childApp, appServerChild) }

func appServerChild(ctx context.Context, args []string) int {
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "deploy-app: want SOCKET NAME")
		return 2
	}
	l, err := listenUnix(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "deploy-app:", err)
		return 1
	}
	s := serveHTTP(l, newApp(args[1]))
	<-ctx.Done()
	s.Close() // removes the socket file
	return 0
}

// startAppServer starts a killable app server and waits until it listens.
func startAppServer(ctx context.Context, sock, name string) (*proc, error) {
	cmd, err := child.Command(ctx, childApp, []string{sock, name}, nil)
	if err != nil {
		return nil, err
	}
	p, err := startProc(name, cmd)
	if err != nil {
		return nil, err
	}
	if err := p.waitDial(ctx, "unix", sock, 10*time.Second); err != nil {
		p.Kill()
		return nil, err
	}
	return p, nil
}

// failoverServers are the two app servers, started early (a process takes
// a few milliseconds to start) and handed to showFailover.
type failoverServers struct {
	socks [2]string
	procs [2]*proc
	err   error
}

func startFailoverServers(ctx context.Context, dir *sockDir) *failoverServers {
	f := &failoverServers{socks: [2]string{dir.Sock("lb-1"), dir.Sock("lb-2")}}
	for i := range f.procs {
		p, err := startAppServer(ctx, f.socks[i], fmt.Sprintf("app-%d", i+1))
		if err != nil {
			f.err = fmt.Errorf("starting app server %d: %w", i+1, err)
			return f
		}
		f.procs[i] = p
	}
	return f
}

func (f *failoverServers) Close() {
	for _, p := range f.procs {
		if p != nil {
			p.Stop(2 * time.Second)
		}
	}
}

// showFailover balances requests over two app server processes and kills
// one (SIGKILL, like a crash or the OOM killer) in the middle.
func showFailover(ctx context.Context, r *demo.Run, f *failoverServers, res *result) error {
	r.Step("failover", r.T("Load balancing over two app servers; one is killed mid-run", "在两个应用服务器之间负载均衡；中途杀掉一个"))
	if f.err != nil {
		return f.err
	}
	p := newProxy(proxyConfig{})
	for i, s := range f.socks {
		p.add(fmt.Sprintf("app-%d", i+1), "unix:"+s, httpTransport(unixDialer(s)))
	}
	var lc net.ListenConfig
	pl, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("starting the balancing proxy: %w", err)
	}
	ps := serveHTTP(pl, p)
	defer ps.Close()
	cl := newClient(nil)
	defer cl.CloseIdleConnections()
	const total, killAfter = 12, 4
	t := event.NewTable("failover", "#", r.T("status", "状态"), r.T("answered by", "应答者"), r.T("note", "说明"))
	t.AlignLeft(2, 3)
	fo := failover{Requests: total, Killed: "app-1"}
	for i := 1; i <= total; i++ {
		note := ""
		if i == killAfter+1 {
			f.procs[0].Kill()
			note = r.T(fmt.Sprintf("app-1 (pid %d) was just killed with SIGKILL", f.procs[0].PID()), fmt.Sprintf("app-1（pid %d）刚被 SIGKILL 杀掉", f.procs[0].PID()))
		}
		code, body, _, err := get(ctx, cl, "http://"+pl.Addr().String()+"/")
		if err != nil {
			return fmt.Errorf("request %d through the balancing proxy: %w", i, err)
		}
		who := ""
		if code == http.StatusOK {
			var s seen
			if err := json.Unmarshal(body, &s); err == nil {
				who = fmt.Sprintf("%s (pid %d)", s.Server, s.PID)
				if i > killAfter && s.Server == "app-2" {
					fo.ServedBySurvivor++
				}
			}
		} else {
			who = r.T("the proxy", "代理")
			if i > killAfter {
				fo.Errors++
				if fo.StatusWhileDown == 0 {
					fo.StatusWhileDown = code
				}
			}
			if note != "" {
				note += r.T(": ", "：")
			}
			note += firstLine(string(body))
		}
		t.Row(i, code, who, note)
	}
	r.Table(t)
	res.Failover = fo
	after := total - killAfter
	markedDown := p.backends[0].down.Load()
	r.Set("failover_errors", fo.Errors)
	r.Set("failover_survivor", fo.ServedBySurvivor)
	r.Set("failover_after", after)
	switch {
	case fo.Errors == 0:
		r.Printf(r.T("  No request failed: all %d requests after the kill happened to go to app-2, which answered %d of them.", "  没有请求失败：杀掉之后的 %d 个请求恰好都去了 app-2，它应答了其中 %d 个。"), after, fo.ServedBySurvivor)
		r.Set("failover_note", r.T(fmt.Sprintf("none of the %[2]d requests that followed failed and app-2 answered %[1]d of them", fo.ServedBySurvivor, after),
			fmt.Sprintf("随后的 %d 个请求没有一个失败，app-2 应答了其中 %d 个", after, fo.ServedBySurvivor)))
	default:
		down := ""
		if markedDown {
			down = r.T(" The proxy marked app-1 down after that failure, so it sent no more requests there.", "代理在这次失败后把 app-1 标记为下线，不再向它发送请求。")
		}
		r.Printf(r.T("  %d of the %d requests after the kill got %d from the proxy (the proxy's own error page, not the app's); app-2 answered %d.%s",
			"  杀掉之后的 %[2]d 个请求里，有 %[1]d 个从代理收到 %[3]d（代理自己的错误页，不是应用的）；app-2 应答了 %[4]d 个。%[5]s"),
			fo.Errors, after, fo.StatusWhileDown, fo.ServedBySurvivor, down)
		r.Set("failover_note", r.T(fmt.Sprintf("%d of the %d requests that followed got %d from the proxy and the survivor, app-2, answered %d", fo.Errors, after, fo.StatusWhileDown, fo.ServedBySurvivor),
			fmt.Sprintf("随后的 %d 个请求里有 %d 个从代理收到 %d，幸存的 app-2 应答了 %d 个", after, fo.Errors, fo.StatusWhileDown, fo.ServedBySurvivor)))
	}
	return nil
}
