package deploy_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/child"
	"github.com/netdemo/netdemo/internal/demo"
)

// childServe is the demo under --serve in a process of its own, so that a
// test can interrupt it or kill it like a user would.
const childServe = "deploy-test-serve"

func init() {
	child.Register(childServe, func(ctx context.Context, args []string) int {
		_, err := demo.Execute(ctx, deployDemoNoT(), append([]string{"--serve", "--json", "--addr", "127.0.0.1:0"}, args...), demo.IO{Out: os.Stdout, Err: os.Stderr})
		return demo.ExitCode(err, ctx, os.Stderr)
	})
}

// serving is a --serve child and what it announced.
type serving struct {
	cmd     *exec.Cmd
	addr    string
	tlsPort string
	dir     string
	lines   []string
	stdout  *bufio.Scanner
}

func startServing(t *testing.T) *serving {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("needs Unix signals")
	}
	cmd, err := child.Command(context.Background(), childServe, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	s := &serving{cmd: cmd, stdout: bufio.NewScanner(out)}
	found := make(chan bool, 1)
	go func() {
		for s.stdout.Scan() {
			var m map[string]any
			if json.Unmarshal(s.stdout.Bytes(), &m) == nil {
				if m["kind"] == "listening" {
					s.addr, s.dir = m["addr"].(string), m["socket_dir"].(string)
					_, s.tlsPort, _ = net.SplitHostPort(m["tls_addr"].(string))
					found <- true
					io.Copy(io.Discard, out)
					return
				}
				if t, _ := m["text"].(string); t != "" {
					s.lines = append(s.lines, t)
				}
			}
		}
		found <- false
	}()
	select {
	case ok := <-found:
		if !ok {
			t.Fatal("--serve ended before announcing its address")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("--serve announced nothing within 30s")
	}
	return s
}

// processesUsing counts processes whose command line names dir (the
// Python app servers and the app servers of a run), or that hold a file
// of dir open: an nginx worker rewrites its command line to "nginx:
// worker process" but keeps the run's error.log and access.log open.
func processesUsing(dir string) int {
	n := 0
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		if b, err := os.ReadFile(filepath.Join(p, "cmdline")); err == nil && strings.Contains(string(b), dir) {
			n++
			continue
		}
		fds, _ := filepath.Glob(filepath.Join(p, "fd", "*"))
		for _, fd := range fds {
			if l, err := os.Readlink(fd); err == nil && strings.HasPrefix(l, dir+"/") {
				n++
				break
			}
		}
	}
	return n
}

// TestInterruptCleansUp sends Ctrl-C (SIGINT) to --serve and checks that
// the socket directory and every process it started are gone.
func TestInterruptCleansUp(t *testing.T) {
	s := startServing(t)
	resp, err := http.Get("http://" + s.addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := os.Stat(filepath.Join(s.dir, "app.sock")); err != nil {
		t.Fatalf("no app socket while serving: %v", err)
	}
	s.cmd.Process.Signal(syscall.SIGINT)
	sent := time.Now()
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("--serve did not exit within 15s of SIGINT")
	}
	t.Logf("--serve exited %v after SIGINT", time.Since(sent).Round(time.Millisecond))
	if _, err := os.Stat(s.dir); !os.IsNotExist(err) {
		t.Errorf("socket directory %s still there after Ctrl-C (%v)", s.dir, err)
	}
	if runtime.GOOS == "linux" {
		deadline := time.Now().Add(2 * time.Second)
		for processesUsing(s.dir) > 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if n := processesUsing(s.dir); n > 0 {
			t.Errorf("%d processes still use %s after Ctrl-C", n, s.dir)
		}
	}
}

// TestKilledRunDoesNotBreakTheNext kills --serve with SIGKILL (no cleanup
// at all) and checks that the next run sweeps what it left.
func TestKilledRunDoesNotBreakTheNext(t *testing.T) {
	s := startServing(t)
	s.cmd.Process.Kill()
	s.cmd.Wait()
	if _, err := os.Stat(filepath.Join(s.dir, "app.sock")); err != nil {
		t.Skipf("the killed run left no socket to sweep (%v)", err)
	}
	s2 := startServing(t)
	if _, err := os.Stat(s.dir); !os.IsNotExist(err) {
		t.Errorf("the killed run's directory %s is still there after the next run started (%v)", s.dir, err)
	}
	resp, err := http.Get("http://" + s2.addr + "/")
	if err != nil {
		t.Fatalf("the next run does not answer: %v", err)
	}
	resp.Body.Close()
}

// TestServeCurl tries the curl commands --serve prints, the Unix socket
// one included.
func TestServeCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not installed: apt-get install curl")
	}
	s := startServing(t)
	sock := filepath.Join(s.dir, "app.sock")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"http://" + s.addr + "/"}, `"x_forwarded_for":"127.0.0.1"`},
		{[]string{"--unix-socket", sock, "http://app/"}, `"x_forwarded_for":""`},
		{[]string{"-d", "qty=2", "http://" + s.addr + "/cgi-bin/env/orders"}, `"REQUEST_METHOD":"POST"`},
		{[]string{"-d", "qty=2", "http://" + s.addr + "/fcgi/orders"}, `"body_bytes":5`},
		{[]string{"-d", "qty=2", "http://" + s.addr + "/uwsgi/orders"}, `"body_bytes":5`},
		{[]string{"--cacert", filepath.Join(s.dir, "root.pem"), "https://localhost:" + s.tlsPort + "/"}, `"x_forwarded_proto":"https"`},
	} {
		b, err := exec.Command(curl, append([]string{"-sS", "--max-time", "10"}, tc.args...)...).CombinedOutput()
		if err != nil || !strings.Contains(string(b), tc.want) {
			t.Errorf("curl %v: %v\n%s\nwant %s", tc.args, err, b, tc.want)
		}
	}
	var printed bool
	for _, l := range s.lines {
		if strings.Contains(l, "curl -s --unix-socket "+sock) {
			printed = true
		}
	}
	if !printed {
		t.Errorf("--serve printed no curl --unix-socket command for %s:\n%s", sock, strings.Join(s.lines, "\n"))
	}
}
