package tcpudp_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
)

// served is a running `--serve` of the demo.
type served struct {
	tcp, udp string // the addresses the demo announced
	lines    chan map[string]any
	done     chan error
	cancel   context.CancelFunc
}

// startServe runs the demo with --serve --json on addr and waits for its
// "listening" event.
func startServe(t *testing.T, addr string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &served{lines: make(chan map[string]any, 1000), done: make(chan error, 1), cancel: cancel}
	d := tcpudp(t) // here: t.Fatal must not run on the serving goroutine
	go func() {
		_, err := demo.Execute(ctx, d, []string{"--serve", "--addr", addr, "--json"}, demo.IO{Out: pw, Err: io.Discard})
		pw.Close()
		s.done <- err
	}()
	go func() { // keep reading, so the demo never blocks on its output
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				select {
				case s.lines <- m:
				default:
				}
			}
		}
		close(s.lines)
	}()
	t.Cleanup(func() { s.stop(t) })
	timeout := time.After(20 * time.Second)
	for {
		select {
		case m, ok := <-s.lines:
			if !ok {
				t.Fatalf("--serve ended before announcing its addresses: %v", <-s.done)
			}
			if m["kind"] == "listening" {
				s.tcp, s.udp = m["tcp"].(string), m["udp"].(string)
				return s
			}
		case <-timeout:
			t.Fatal("--serve announced no addresses within 20s")
		}
	}
}

// stop cancels the serve and waits for it to return.
func (s *served) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case err, ok := <-s.done:
		if ok && err != nil {
			t.Errorf("--serve returned %v after cancel, want nil", err)
		}
		if ok {
			close(s.done)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("--serve still running 10s after cancel")
	}
}

func echoTCP(t *testing.T, addr, msg string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dialing the TCP echo at %s: %v", addr, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, msg); err != nil {
		t.Fatalf("writing to the TCP echo: %v", err)
	}
	buf := make([]byte, len(msg))
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Fatalf("reading the TCP echo: %v", err)
	}
	return string(buf)
}

func echoUDP(t *testing.T, addr, msg string) string {
	t.Helper()
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatalf("dialing the UDP echo at %s: %v", addr, err)
	}
	defer c.Close()
	buf := make([]byte, 70000)
	for try := 0; try < 5; try++ { // loopback does not lose, but be kind to a loaded machine
		if _, err := c.Write([]byte(msg)); err != nil {
			t.Fatalf("sending to the UDP echo: %v", err)
		}
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		n, err := c.Read(buf)
		if err == nil {
			return string(buf[:n])
		}
	}
	t.Fatalf("no UDP echo from %s", addr)
	return ""
}

func TestServe(t *testing.T) {
	s := startServe(t, "127.0.0.1:0")
	_, tport, _ := net.SplitHostPort(s.tcp)
	_, uport, _ := net.SplitHostPort(s.udp)
	if tport != uport || tport == "0" {
		t.Errorf("TCP on %s and UDP on %s, want one picked port number for both", s.tcp, s.udp)
	}
	if got := echoTCP(t, s.tcp, "hello tcp\n"); got != "hello tcp\n" {
		t.Errorf("TCP echo = %q, want %q", got, "hello tcp\n")
	}
	if got := echoUDP(t, s.udp, "hello udp\n"); got != "hello udp\n" {
		t.Errorf("UDP echo = %q, want %q", got, "hello udp\n")
	}
	s.stop(t)
	if c, err := net.DialTimeout("tcp", s.tcp, 2*time.Second); err == nil {
		c.Close()
		t.Errorf("dialing %s after cancel succeeded, want the server closed", s.tcp)
	}
}

func TestServePortInUse(t *testing.T) {
	for _, network := range []string{"tcp", "udp"} {
		var addr string
		if network == "tcp" {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			addr = ln.Addr().String()
		} else {
			pc, err := net.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer pc.Close()
			addr = pc.LocalAddr().String()
		}
		var stderr strings.Builder
		_, err := demo.Execute(context.Background(), tcpudp(t), []string{"--serve", "--addr", addr}, demo.IO{Out: io.Discard, Err: &stderr})
		if err == nil {
			t.Fatalf("--serve --addr %s with %s taken: no error, want \"already in use\"", addr, network)
		}
		msg := err.Error()
		if !strings.Contains(msg, addr+" is already in use") || !strings.Contains(msg, "--addr") || strings.Contains(msg, "\n") {
			t.Errorf("--serve on a taken %s port: error %q, want one line saying %s is already in use and to pick another with --addr", network, msg, addr)
		}
		var out strings.Builder
		if code := demo.ExitCode(err, context.Background(), &out); code != 1 || !strings.HasPrefix(out.String(), "netdemo: "+addr+" is already in use") {
			t.Errorf("exit code %d, message %q; want 1 and \"netdemo: %s is already in use ...\"", code, out.String(), addr)
		}
	}
}

// TestServeWithNetcat talks to --serve with the real nc (netcat-openbsd),
// as the README tells users to.
func TestServeWithNetcat(t *testing.T) {
	nc, err := exec.LookPath("nc")
	if err != nil {
		t.Skip("nc not on PATH; install netcat-openbsd to run this test")
	}
	if out, _ := exec.Command(nc, "-h").CombinedOutput(); !strings.Contains(string(out), "OpenBSD") {
		t.Skip("nc is not netcat-openbsd (its -q and -w flags differ); skipping")
	}
	s := startServe(t, "127.0.0.1:0")
	host, port, _ := net.SplitHostPort(s.tcp)
	for _, tc := range []struct {
		desc string
		args []string
	}{
		{"TCP", []string{"-q1", host, port}},
		{"UDP", []string{"-u", "-w1", host, port}},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		cmd := exec.CommandContext(ctx, nc, tc.args...)
		cmd.Stdin = strings.NewReader("hello from nc\n")
		out, err := cmd.Output()
		cancel()
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("%s: nc %v: %v", tc.desc, tc.args, err)
			}
		}
		if string(out) != "hello from nc\n" {
			t.Errorf("%s: nc %s printed %q, want the echo %q (err %v)", tc.desc, strings.Join(tc.args, " "), out, "hello from nc\n", err)
		}
	}
}
