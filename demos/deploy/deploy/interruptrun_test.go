package deploy_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/child"
	"github.com/netdemo/netdemo/internal/demo"
)

// childRun is a whole run of the demo in a process of its own.
const childRun = "deploy-test-run"

func init() {
	child.Register(childRun, func(ctx context.Context, args []string) int {
		_, err := demo.Execute(ctx, deployDemoNoT(), append([]string{"--json"}, args...), demo.IO{Out: os.Stdout, Err: io.Discard})
		return demo.ExitCode(err, ctx, io.Discard)
	})
}

var runDir = regexp.MustCompile(`/[^" ]*netdemo-deploy-[0-9]+`)

// startRunUntilBuffering starts a whole run with a slow client of 3 s and
// waits until it reaches its buffering step, by which time the app
// servers, python3, gunicorn and nginx are up or starting. It returns the
// run and its socket directory.
func startRunUntilBuffering(t *testing.T) (*exec.Cmd, string) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("looks for leftover processes in /proc")
	}
	cmd, err := child.Command(context.Background(), childRun, []string{"--slow", "3s"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		dir := ""
		for sc.Scan() {
			if dir == "" {
				dir = runDir.FindString(sc.Text())
			}
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil && m["kind"] == "step" && m["id"] == "buffering" {
				found <- dir
				break
			}
		}
		io.Copy(io.Discard, out)
	}()
	var dir string
	select {
	case dir = <-found:
	case <-time.After(60 * time.Second):
		t.Fatal("the run did not reach its buffering step within 60s")
	}
	if dir == "" {
		t.Fatal("the run printed no socket directory before its buffering step")
	}
	return cmd, dir
}

// waitNoProcessUsing fails the test if some process still names dir, or
// holds a file of it open, after grace.
func waitNoProcessUsing(t *testing.T, dir string, grace time.Duration, after string) {
	t.Helper()
	deadline := time.Now().Add(grace)
	for processesUsing(dir) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := processesUsing(dir); n > 0 {
		t.Errorf("%d processes still use %s %s", n, dir, after)
	}
}

// TestInterruptRunCleansUp presses Ctrl-C in the middle of a run, while
// the app servers, python3, gunicorn and nginx are up, and checks that
// nothing of the run is left.
func TestInterruptRunCleansUp(t *testing.T) {
	cmd, dir := startRunUntilBuffering(t)
	time.Sleep(500 * time.Millisecond) // the slow client is mid-upload, the background parts are starting
	cmd.Process.Signal(syscall.SIGINT)
	sent := time.Now()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the run did not exit within 30s of SIGINT")
	}
	t.Logf("the run exited %v after SIGINT", time.Since(sent).Round(time.Millisecond))
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit code after Ctrl-C = %d, want 130", code)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("socket directory %s still there after Ctrl-C (%v)", dir, err)
	}
	waitNoProcessUsing(t, dir, 3*time.Second, "after Ctrl-C")
}

// TestKilledRunLeavesNoProcess kills a run with SIGKILL (no cleanup of its
// own at all) while nginx and gunicorn are up: the parent-death signal
// must still end every process it started, the workers of nginx and
// gunicorn included. The directory is left for the next run to sweep.
func TestKilledRunLeavesNoProcess(t *testing.T) {
	cmd, dir := startRunUntilBuffering(t)
	t.Cleanup(func() { os.RemoveAll(dir) })
	time.Sleep(1500 * time.Millisecond) // nginx and gunicorn have started
	cmd.Process.Kill()
	cmd.Wait()
	waitNoProcessUsing(t, dir, 5*time.Second, "after the run was killed")
}
