package deploy

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
)

// realStackProcs is nginx in front of gunicorn, when both are installed.
type realStackProcs struct {
	missing  []string // one line per tool that was not found
	err      error    // set when they were found but did not start
	nginx    *proc
	gunicorn *proc
	conf     string // the nginx.conf written
	addr     string // where nginx listens
	sock     string // where gunicorn listens
	workers  int
}

// startRealStack starts gunicorn with the shipped app on a Unix socket
// and nginx in front of it on 127.0.0.1, both unprivileged, with every
// file in dir.
func startRealStack(ctx context.Context, dir *sockDir, workers int) *realStackProcs {
	rs := &realStackProcs{workers: workers}
	if runtime.GOOS == "windows" {
		rs.missing = append(rs.missing, "nginx + gunicorn: gunicorn does not run on Windows")
		return rs
	}
	nginx, nerr := exec.LookPath("nginx")
	if nerr != nil {
		// Debian puts nginx in /usr/sbin, which is not on an ordinary
		// user's PATH.
		if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
			nginx, nerr = "/usr/sbin/nginx", nil
		}
	}
	if nerr != nil {
		rs.missing = append(rs.missing, "nginx: skipped, not installed (apt-get install nginx; macOS: brew install nginx)")
	}
	gunicorn, gerr := exec.LookPath("gunicorn")
	if gerr != nil {
		rs.missing = append(rs.missing, "gunicorn: skipped, not installed (apt-get install gunicorn, or pip install gunicorn)")
	}
	if len(rs.missing) > 0 {
		return rs
	}
	appDir := filepath.Join(dir.Path, "gunicorn-app")
	if err := writePyApp(appDir); err != nil {
		rs.err = err
		return rs
	}
	rs.sock = dir.Sock("gunicorn")
	g := exec.CommandContext(ctx, gunicorn, "--bind", "unix:"+rs.sock, "--workers", fmt.Sprint(workers),
		"--chdir", appDir, "--worker-tmp-dir", dir.Path, "--log-level", "warning", "app:application")
	g.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	gp, err := startProc("gunicorn", g, procOpts{Group: true, Quit: syscall.SIGINT})
	if err != nil {
		rs.err = err
		return rs
	}
	rs.gunicorn = gp
	if err := gp.waitDial(ctx, "unix", rs.sock, 20*time.Second); err != nil {
		rs.err = err
		return rs
	}

	// A free port for nginx: ask the kernel, then let nginx bind it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		rs.err = err
		return rs
	}
	rs.addr = l.Addr().String()
	l.Close()
	nd := filepath.Join(dir.Path, "nginx")
	if err := os.MkdirAll(nd, 0o700); err != nil {
		rs.err = err
		return rs
	}
	rs.conf = nginxConf(nd, rs.addr, rs.sock)
	conf := filepath.Join(nd, "nginx.conf")
	if err := os.WriteFile(conf, []byte(rs.conf), 0o600); err != nil {
		rs.err = err
		return rs
	}
	n := exec.CommandContext(ctx, nginx, "-p", nd, "-c", conf, "-e", filepath.Join(nd, "error.log"))
	np, err := startProc("nginx", n, procOpts{Group: true})
	if err != nil {
		rs.err = err
		return rs
	}
	rs.nginx = np
	if err := np.waitDial(ctx, "tcp", rs.addr, 10*time.Second); err != nil {
		if b, rerr := os.ReadFile(filepath.Join(nd, "error.log")); rerr == nil && len(b) > 0 {
			err = fmt.Errorf("%w (error.log: %s)", err, lastLine(string(b)))
		}
		rs.err = err
	}
	return rs
}

// nginxConf is a complete nginx configuration that needs no root: every
// path it writes is in dir, it listens on a high port of 127.0.0.1 and
// runs in the foreground.
func nginxConf(dir, addr, sock string) string {
	user := ""
	if os.Geteuid() == 0 {
		// Run as root, nginx would hand its workers to "nobody", who
		// cannot enter the 0700 socket directory.
		user = "user root;\n"
	}
	return fmt.Sprintf(`%sdaemon off;
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log warn;
events { worker_connections 64; }
http {
    access_log %[2]s/access.log;
    client_body_temp_path %[2]s/client_body;
    proxy_temp_path %[2]s/proxy;
    fastcgi_temp_path %[2]s/fastcgi;
    uwsgi_temp_path %[2]s/uwsgi;
    scgi_temp_path %[2]s/scgi;
    upstream gunicorn {
        server unix:%[3]s;
        keepalive 8;
    }
    server {
        listen %[4]s;
        location /static/ { root %[2]s; }
        location / {
            proxy_pass http://gunicorn;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
        }
    }
}
`, user, dir, sock, addr)
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// Close stops nginx, then gunicorn (which stops its workers).
func (rs *realStackProcs) Close() {
	if rs.nginx != nil {
		rs.nginx.Stop(2 * time.Second)
	}
	if rs.gunicorn != nil {
		rs.gunicorn.Stop(3 * time.Second)
	}
}

// showRealStack sends requests through the real nginx to the real
// gunicorn, when both ran.
func showRealStack(ctx context.Context, r *demo.Run, rs *realStackProcs, n int, res *result) error {
	r.Step("real-stack", r.T("The real stack: nginx → gunicorn → the WSGI app", "真实的组合：nginx → gunicorn → WSGI 应用"))
	if len(rs.missing) > 0 {
		for _, m := range rs.missing {
			r.Printf("  %s", m)
		}
		r.Set("real_stack_note", r.T("nginx and gunicorn were not both installed, so this part was skipped", "nginx 和 gunicorn 没有都装好，这部分跳过了"))
		return nil
	}
	if rs.err != nil {
		r.Printf(r.T("  nginx + gunicorn were found but did not start: %v", "  找到了 nginx 和 gunicorn，但没能启动：%v"), rs.err)
		r.Set("real_stack_note", r.T("nginx and gunicorn did not start", "nginx 和 gunicorn 没能启动"))
		return nil
	}
	r.Printf(r.T("  gunicorn (pid %d, %d workers) serves pyapp/app.py on %s; nginx (pid %d) listens on %s with this configuration, written for this run:",
		"  gunicorn（pid %d，%d 个 worker）在 %s 上运行 pyapp/app.py；nginx（pid %d）监听 %s，配置是本次运行写出的："),
		rs.gunicorn.PID(), rs.workers, rs.sock, rs.nginx.PID(), rs.addr)
	r.Pre("%s", rs.conf)
	cl := newClient(nil)
	defer cl.CloseIdleConnections()
	url := "http://" + rs.addr + "/orders?id=7"
	code, b, hdr, err := do(ctx, cl, "POST", url, formBody, formHeader)
	if err != nil {
		return fmt.Errorf("asking nginx: %w", err)
	}
	if code != http.StatusOK {
		return fmt.Errorf("nginx answered %d: %s", code, firstLine(string(b)))
	}
	rep, err := askPython(ctx, cl, url)
	if err != nil {
		return fmt.Errorf("asking nginx: %w", err)
	}
	t := event.NewTable("nginx-headers", r.T("environ key", "environ 键"), r.T("as gunicorn passed it", "gunicorn 传入的值"))
	t.AlignLeft(0, 1)
	for _, k := range []string{"HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_HOST", "REMOTE_ADDR", "SERVER_SOFTWARE", "wsgi.multiprocess", "wsgi.multithread"} {
		if v, ok := rep.Environ[k]; ok {
			t.Row(k, fmt.Sprint(v))
		}
	}
	r.Table(t.Titled(r.T("What nginx added, as the app saw it", "nginx 加上的内容，应用看到的样子")))
	switch rep.Environ["wsgi.multiprocess"] {
	case true:
		r.Printf(r.T("  gunicorn passed wsgi.multiprocess = true: with %d workers, two requests of one client may be answered by different processes, so the app must not keep state in memory between them.",
			"  gunicorn 传入 wsgi.multiprocess = true：有 %d 个 worker 时，同一个客户端的两个请求可能由不同的进程应答，所以应用不能把请求之间的状态放在内存里。"), rs.workers)
	case false:
		r.Printf(r.T("  gunicorn passed wsgi.multiprocess = false: with %d worker every request goes to the same process.",
			"  gunicorn 传入 wsgi.multiprocess = false：只有 %d 个 worker，每个请求都由同一个进程处理。"), rs.workers)
	}

	// Timing, and the workers that answered.
	pids := map[int]bool{}
	var mu sync.Mutex
	call := func(ctx context.Context) error {
		rep, err := askPython(ctx, cl, url)
		if err != nil {
			return err
		}
		mu.Lock()
		pids[rep.PID] = true
		mu.Unlock()
		return nil
	}
	tm, err := timeRow(ctx, max(n/4, 10), call)
	if err != nil {
		return fmt.Errorf("timing nginx → gunicorn: %w", err)
	}
	var ps []int
	for p := range pids {
		ps = append(ps, p)
	}
	sort.Ints(ps)
	tt := event.NewTable("real-timing", r.T("chain", "链路"), r.T("requests", "请求数"), "p50 1|ms", "p99 1|ms", r.T("req/s 1", "请求/秒 1"), "p50 8|ms", "p99 8|ms", r.T("req/s 8", "请求/秒 8"))
	tt.AlignLeft(0)
	tt.Row("nginx → gunicorn → app.py", tm.N, tm.P50MS, tm.P99MS, tm.RPS, tm.At8.P50MS, tm.At8.P99MS, tm.At8.RPS)
	r.Table(tt)
	if len(ps) == 1 {
		r.Printf(r.T("  One worker process answered every request (pid %d); nginx said Server: %s.", "  所有请求都由同一个 worker 进程应答（pid %d）；nginx 的 Server 头是 %s。"),
			ps[0], hdr.Get("Server"))
	} else {
		r.Printf(r.T("  %d different worker processes answered (pids %v); nginx said Server: %s.", "  共有 %d 个不同的 worker 进程应答（pid %v）；nginx 的 Server 头是 %s。"),
			len(ps), ps, hdr.Get("Server"))
	}
	res.RealStack = &realStack{Nginx: hdr.Get("Server"), Gunicorn: rep.Server, WorkersSeen: len(ps), Timing: &tm}
	answered := fmt.Sprintf("%d worker processes answered", len(ps))
	if len(ps) == 1 {
		answered = "one worker process answered"
	}
	r.Set("real_stack_note", r.T(fmt.Sprintf("%s in front of %s: %s", hdr.Get("Server"), rep.Server, answered),
		fmt.Sprintf("%s 在 %s 前面：有 %d 个 worker 进程应答", hdr.Get("Server"), rep.Server, len(ps))))
	return nil
}
