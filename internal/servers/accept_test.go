package servers

import (
	"bufio"
	"fmt"
	"net"
	"testing"
	"time"
)

func TestAcceptServesAndStops(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	handled := make(chan struct{}, 3)
	stop := Accept(ln, func(c net.Conn) {
		defer c.Close()
		fmt.Fprintln(c, "hello")
		handled <- struct{}{}
	})
	for i := 0; i < 3; i++ {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		line, _ := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if line != "hello\n" {
			t.Fatalf("connection %d got %q, want hello", i, line)
		}
	}
	done := make(chan struct{})
	go func() { stop(); stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("stop did not return: a handler or the accept loop is still running")
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("the listener still accepts after stop")
	}
	if len(handled) != 3 {
		t.Errorf("%d handlers ran, want 3", len(handled))
	}
}
