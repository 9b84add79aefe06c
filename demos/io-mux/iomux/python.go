package iomux

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/netdemo/netdemo/demos/io-mux/iomux/echo"
	"github.com/netdemo/netdemo/internal/demo"
)

// pyServer is Python's own http.server: HTTPServer handles one connection
// at a time on one thread; ThreadingHTTPServer (the model of Werkzeug's
// development server, which Flask's `flask run` uses) starts a thread per
// connection. GET answers with the number of threads the process runs.
//
// The listen backlog is Werkzeug's (LISTEN_QUEUE = 128), not socketserver's
// 5: with a backlog of 5, the demo's ten idle connections overflow the
// accept queue before Python has accepted them, the kernel drops a SYN,
// and a client waits out the 1-second SYN retransmission (RFC 6298 §2.1)
// instead of measuring the server.
const pyServer = `
import http.server, json, selectors, sys, threading
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"threads": threading.active_count()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
base = http.server.ThreadingHTTPServer if sys.argv[1] == "threaded" else http.server.HTTPServer
class S(base):
    request_queue_size = 128
srv = S(("127.0.0.1", 0), H)
print(json.dumps({"port": srv.server_address[1], "selector": selectors.DefaultSelector.__name__,
                  "version": sys.version.split()[0]}), flush=True)
srv.serve_forever()
`

const (
	pyIdle = 10                     // idle connections held open on the threaded server
	pyHold = 250 * time.Millisecond // how long the idle connection blocks the single-thread server
)

// findPython looks for python3 on PATH, then where Debian puts it.
func findPython() string {
	if p, err := exec.LookPath("python3"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		return "/usr/bin/python3"
	}
	return ""
}

type pyHello struct {
	Port     int    `json:"port"`
	Selector string `json:"selector"`
	Version  string `json:"version"`
}

// startPython runs one of Python's servers and reads its port.
func startPython(ctx context.Context, r *demo.Run, py, mode string) (pyHello, error) {
	cmd := exec.CommandContext(ctx, py, "-c", pyServer, mode)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return pyHello{}, err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return pyHello{}, fmt.Errorf("starting python3: %w", err)
	}
	r.OnClose(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	var h pyHello
	if err == nil {
		err = json.Unmarshal([]byte(line), &h)
	}
	if err != nil {
		return h, fmt.Errorf("python3 %s server did not start: %v %s", mode, err, strings.TrimSpace(stderr.String()))
	}
	return h, nil
}

// get sends one HTTP/1.0 GET and returns the body and the time to the
// first byte of the answer.
func get(addr string, timeout time.Duration) (string, time.Duration, error) {
	c, err := net.DialTimeout("tcp4", addr, timeout)
	if err != nil {
		return "", 0, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(timeout))
	t0 := time.Now()
	if _, err := io.WriteString(c, "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"); err != nil {
		return "", 0, err
	}
	br := bufio.NewReader(c)
	if _, err := br.Peek(1); err != nil {
		return "", 0, err
	}
	wait := time.Since(t0)
	b, err := io.ReadAll(br)
	if err != nil {
		return "", wait, err
	}
	s := string(b)
	if i := strings.Index(s, "\r\n\r\n"); i >= 0 {
		s = s[i+4:]
	}
	return s, wait, nil
}

// pyServers are the two Python servers, started in the background while
// the demo shows other things (python3 takes a while to start, longer
// behind a pyenv shim).
type pyServers struct {
	done             chan struct{}
	single, threaded pyHello
	err              error
}

func startPythonServers(ctx context.Context, r *demo.Run, py string) *pyServers {
	ps := &pyServers{done: make(chan struct{})}
	go func() {
		defer close(ps.done)
		var wg sync.WaitGroup
		var errS, errT error
		wg.Add(2)
		go func() { defer wg.Done(); ps.single, errS = startPython(ctx, r, py, "single") }()
		go func() { defer wg.Done(); ps.threaded, errT = startPython(ctx, r, py, "threaded") }()
		wg.Wait()
		ps.err = cmp.Or(errS, errT)
	}()
	return ps
}

func observePython(ctx context.Context, r *demo.Run, ps *pyServers) (*pythonResult, error) {
	res := &pythonResult{IdleConns: pyIdle, HoldMS: float64(pyHold.Milliseconds())}
	select {
	case <-ps.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if ps.err != nil {
		return nil, ps.err
	}
	single, threaded := ps.single, ps.threaded
	var wg sync.WaitGroup
	res.Version, res.Selector = single.Version, single.Selector

	// Single-threaded: an idle connection first, then a real request.
	// Meanwhile, the threaded server gets its idle connections.
	saddr := fmt.Sprintf("127.0.0.1:%d", single.Port)
	idle, err := net.DialTimeout("tcp4", saddr, 2*time.Second)
	if err != nil {
		return nil, err
	}
	defer idle.Close()
	time.AfterFunc(pyHold, func() { idle.Close() })
	var blocked time.Duration
	var errB error
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, blocked, errB = get(saddr, 5*time.Second)
	}()

	taddr := fmt.Sprintf("127.0.0.1:%d", threaded.Port)
	for range pyIdle {
		c, err := net.DialTimeout("tcp4", taddr, 2*time.Second)
		if err != nil {
			return nil, err
		}
		defer c.Close()
	}
	// Each accepted connection gets its thread a moment later: ask until
	// the main thread, one per idle connection and the one answering are
	// all there (or three seconds have passed).
	threads := 0
	for deadline := time.Now().Add(3 * time.Second); threads < pyIdle+2 && time.Now().Before(deadline); {
		body, _, err := get(taddr, 2*time.Second)
		if err != nil {
			return nil, err
		}
		var v struct {
			Threads int `json:"threads"`
		}
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			return nil, fmt.Errorf("ThreadingHTTPServer answered %q: %w", body, err)
		}
		threads = v.Threads
		if threads < pyIdle+2 {
			time.Sleep(5 * time.Millisecond)
		}
	}
	res.ThreadedThreads = threads
	wg.Wait()
	if errB != nil {
		return nil, fmt.Errorf("the request to HTTPServer: %w", errB)
	}
	res.SingleThreadBlockedMS = round1(float64(blocked) / float64(time.Millisecond))

	// The demo's epoll server, one idle connection open, answers at once.
	es, err := echo.Listen(echo.Epoll, "127.0.0.1:0", echo.Config{})
	if err != nil {
		return nil, err
	}
	defer es.Close()
	ei, err := net.DialTimeout("tcp4", es.Addr(), 2*time.Second)
	if err != nil {
		return nil, err
	}
	defer ei.Close()
	ec, err := net.DialTimeout("tcp4", es.Addr(), 2*time.Second)
	if err != nil {
		return nil, err
	}
	defer ec.Close()
	ec.SetDeadline(time.Now().Add(2 * time.Second))
	t0 := time.Now()
	buf := make([]byte, 4)
	if _, err := ec.Write([]byte("ping")); err != nil {
		return nil, err
	}
	if _, err := io.ReadFull(ec, buf); err != nil {
		return nil, err
	}
	res.EpollUS = us(time.Since(t0))
	return res, nil
}

func showPython(r *demo.Run, res *pythonResult) {
	r.Printf(r.T("  Python %s: selectors.DefaultSelector is %s on this system.", "  Python %s：本系统上 selectors.DefaultSelector 是 %s。"), res.Version, res.Selector)
	if res.SingleThreadBlockedMS >= res.HoldMS*0.8 {
		r.Printf(r.T("  http.server.HTTPServer (one thread) with one idle connection open: the next request waited %.0f ms, until the demo closed the idle connection after %.0f ms. One thread blocked in read() on one socket serves no one else.",
			"  http.server.HTTPServer（单线程），有一个空闲连接时：下一个请求等了 %.0f ms，直到演示在 %.0f ms 后关闭空闲连接。一个线程阻塞在一个套接字的 read() 上，就服务不了别人。"),
			res.SingleThreadBlockedMS, res.HoldMS)
	} else {
		r.Printf(r.T("  http.server.HTTPServer (one thread) with one idle connection open: the next request was answered after %.1f ms, before the idle connection closed (%.0f ms): it was not blocked in this run.",
			"  http.server.HTTPServer（单线程），有一个空闲连接时：下一个请求在 %.1f ms 后得到回答，早于空闲连接关闭（%.0f ms）：本次没有被阻塞。"),
			res.SingleThreadBlockedMS, res.HoldMS)
	}
	if res.ThreadedThreads > res.IdleConns {
		r.Printf(r.T("  ThreadingHTTPServer with %d idle connections open: %d threads (threading.active_count(): the main thread, one per connection, and the one answering). It answers, by holding a thread for every connection, busy or not.",
			"  ThreadingHTTPServer，打开 %d 个空闲连接：%d 个线程（threading.active_count()：主线程、每连接一个、加上正在回答的那个）。它能回答，代价是每个连接占一个线程，不管忙不忙。"),
			res.IdleConns, res.ThreadedThreads)
	} else {
		r.Printf(r.T("  ThreadingHTTPServer with %d idle connections open answered, with %d threads (threading.active_count()): not yet one per connection when it answered.",
			"  ThreadingHTTPServer 打开 %d 个空闲连接时照样回答了，当时有 %d 个线程（threading.active_count()）：回答时还没有做到每连接一个。"),
			res.IdleConns, res.ThreadedThreads)
	}
	r.Printf(r.T("  The demo's %s server, one thread, one idle connection open: the next client's echo came back in %.0f µs.",
		"  演示的 %s 服务器，一个线程，打开一个空闲连接：下一个客户端的回显 %.0f µs 就回来了。"), echo.EventMechanism, res.EpollUS)
}
