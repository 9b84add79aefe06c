package iomux

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os/exec"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestPythonBacklogHoldsTheIdleConnections: the demo opens pyIdle idle
// connections to ThreadingHTTPServer and then one more for the request, all
// at once. socketserver's default listen backlog (5) overflows before
// Python accepts them, the kernel drops a SYN and the client waits out the
// one-second retransmission timeout: the demo would measure TCP's RTO, not
// the server. With Werkzeug's backlog no connection needs a second SYN
// (TCP_INFO's total_retrans counts the retransmitted SYN).
func TestPythonBacklogHoldsTheIdleConnections(t *testing.T) {
	py := findPython()
	if py == "" {
		t.Skip("python3 not installed: apt-get install python3")
	}
	cmd := exec.Command(py, "-c", pyServer, "threaded")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	var h pyHello
	if err := json.Unmarshal([]byte(line), &h); err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", h.Port)
	// Twice the demo's number, so that a backlog just big enough for the
	// demo does not pass by luck.
	for i := range 2 * (pyIdle + 1) {
		c, err := net.DialTimeout("tcp4", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		raw, err := c.(*net.TCPConn).SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		var info *unix.TCPInfo
		var ierr error
		raw.Control(func(fd uintptr) { info, ierr = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO) })
		if ierr != nil {
			t.Fatal(ierr)
		}
		if info.Total_retrans > 0 {
			t.Fatalf("connection %d to ThreadingHTTPServer needed %d retransmitted SYNs: the listen backlog overflowed", i+1, info.Total_retrans)
		}
	}
}
