package orders_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/servers/orders"
)

func startHTTP(t *testing.T, to orders.Timeouts) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := orders.NewHTTPServer(orders.New(orders.Config{}), to)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// TestSlowloris: a client trickling its headers slower than
// ReadHeaderTimeout is disconnected without a response, while another
// client is served.
func TestSlowloris(t *testing.T) {
	const timeout = 300 * time.Millisecond
	addr := startHTTP(t, orders.Timeouts{ReadHeaderTimeout: timeout})
	slow, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	closed := make(chan int64, 1)
	go func() { n, _ := io.Copy(io.Discard, slow); closed <- n }()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		io.WriteString(slow, "GET /orders HTTP/1.1\r\nHost: x\r\nX-Slow: ")
		for {
			select {
			case <-stop:
				return
			case <-time.After(timeout / 4):
				if _, err := slow.Write([]byte("a")); err != nil {
					return
				}
			}
		}
	}()
	resp, err := http.Get("http://" + addr + "/orders")
	if err != nil {
		t.Fatalf("the other client: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("the other client got %d, want 200", resp.StatusCode)
	}
	select {
	case n := <-closed:
		if n != 0 {
			t.Errorf("the slow client received %d bytes, want none", n)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the server never closed the slow connection")
	}
}

// TestHeaderLimits: a long URL below MaxHeaderBytes gets the API's 414, one
// beyond it net/http's own 431.
func TestHeaderLimits(t *testing.T) {
	addr := startHTTP(t, orders.Timeouts{MaxHeaderBytes: 16 << 10})
	for _, tc := range []struct {
		n    int
		want int
	}{{9 << 10, 414}, {40 << 10, 431}} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(30 * time.Second))
		go io.WriteString(c, "GET /orders?q="+strings.Repeat("x", tc.n)+" HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("%d-byte URL: %v", tc.n, err)
		}
		resp.Body.Close()
		c.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%d-byte URL = %d, want %d", tc.n, resp.StatusCode, tc.want)
		}
	}
}
