package child

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

func init() {
	Register("child-test-echo-args", func(ctx context.Context, args []string) int {
		fmt.Println(strings.Join(args, "|"))
		return 7
	})
	Register("child-test-listener", func(ctx context.Context, args []string) int {
		f := File("listener")
		if f == nil {
			fmt.Println("no listener")
			return 3
		}
		ln, err := net.FileListener(f)
		if err != nil {
			fmt.Println(err)
			return 4
		}
		c, err := ln.Accept()
		if err != nil {
			return 5
		}
		fmt.Fprintf(c, "pid %d\n", os.Getpid())
		c.Close()
		return 0
	})
	Register("child-test-sleep", func(ctx context.Context, args []string) int {
		fmt.Println("ready")
		<-ctx.Done()
		return 9
	})
}

func TestMain(m *testing.M) {
	Dispatch()
	os.Exit(m.Run())
}

func TestArgsAndExitCode(t *testing.T) {
	cmd, err := Command(context.Background(), "child-test-echo-args", []string{"a b", "c"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.Output()
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 7 {
		t.Fatalf("exit = %v (%v), want 7", cmd.ProcessState, err)
	}
	if got := strings.TrimSpace(string(out)); got != "a b|c" {
		t.Fatalf("child printed %q, want %q", got, "a b|c")
	}
}

func TestInheritedListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f, err := ln.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := Start(context.Background(), "child-test-listener", nil, Files{"listener": f})
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	line, _ := bufio.NewReader(c).ReadString('\n')
	// Either the child or (never, here: nobody accepts) the parent answers.
	if want := fmt.Sprintf("pid %d\n", p.PID()); line != want {
		t.Fatalf("got %q from the shared listener, want %q", line, want)
	}
	if code := p.ExitCode(); code != 0 {
		t.Fatalf("child exit code %d, want 0", code)
	}
}

func TestStopIsGraceful(t *testing.T) {
	cmd, err := Command(context.Background(), "child-test-sleep", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p, err := StartCmd("child-test-sleep", cmd)
	if err != nil {
		t.Fatal(err)
	}
	// "ready" comes after the signal handler is installed (Dispatch installs
	// it before the body runs).
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "ready\n" {
		t.Fatalf("child said %q, want ready", line)
	}
	p.Stop(5 * time.Second)
	if code := p.ExitCode(); code != 9 {
		t.Fatalf("child exit code after SIGTERM = %d, want 9 (its own graceful return)", code)
	}
}

func TestCancelKills(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	p, err := Start(ctx, "child-test-sleep", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-p.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("child still running 5 s after its context was cancelled")
	}
	if code := p.ExitCode(); code != -1 {
		t.Fatalf("exit code %d, want -1 (killed by a signal)", code)
	}
}

func init() {
	// child-test-parent starts a grandchild that sleeps, prints its pid,
	// and then the parent exits without waiting: the grandchild must notice
	// and end by itself.
	Register("child-test-parent", func(ctx context.Context, args []string) int {
		cmd, err := Command(context.Background(), "child-test-sleep", nil, nil)
		if err != nil {
			return 1
		}
		if err := cmd.Start(); err != nil {
			return 1
		}
		fmt.Println(cmd.Process.Pid)
		return 0
	})
}

func TestOrphanEnds(t *testing.T) {
	cmd, err := Command(context.Background(), "child-test-parent", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("parent child: %v", err)
	}
	var pid int
	if _, err := fmt.Sscan(strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0]), &pid); err != nil || pid <= 0 {
		t.Fatalf("parent printed %q, want the grandchild's pid", out)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if !alive(pid) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("grandchild %d still running 10 s after its parent exited", pid)
}
