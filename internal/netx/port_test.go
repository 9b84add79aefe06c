package netx_test

import (
	"net"
	"strconv"
	"testing"

	"github.com/netdemo/netdemo/internal/netx"
)

// addr is a net.Addr of no standard type, as a lab host may return.
type addr string

func (addr) Network() string  { return "lab" }
func (a addr) String() string { return string(a) }

func TestPort(t *testing.T) {
	tests := []struct {
		desc string
		in   net.Addr
		want uint16
	}{
		{"TCP address", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, 8080},
		{"UDP address", &net.UDPAddr{IP: net.IPv6loopback, Port: 443}, 443},
		{"other type, IPv4", addr("192.0.2.2:9000"), 9000},
		{"other type, IPv6", addr("[::1]:53"), 53},
		{"other type, host name", addr("server.test:443"), 443},
		{"no port", addr("192.0.2.2"), 0},
		{"port out of range", addr("192.0.2.2:70000"), 0},
		{"Unix socket", &net.UnixAddr{Name: "/tmp/s", Net: "unix"}, 0},
		{"nil", nil, 0},
		{"nil *net.TCPAddr", (*net.TCPAddr)(nil), 0},
	}
	for _, tt := range tests {
		if got := netx.Port(tt.in); got != tt.want {
			t.Errorf("%s: Port(%v) = %d, want %d", tt.desc, tt.in, got, tt.want)
		}
	}
}

func TestPortOfLoopbackListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listening on 127.0.0.1:0: %v", err)
	}
	defer ln.Close()
	_, want, _ := net.SplitHostPort(ln.Addr().String())
	if got := netx.Port(ln.Addr()); got == 0 || want != strconv.Itoa(int(got)) {
		t.Errorf("Port(%v) = %d, want %s", ln.Addr(), got, want)
	}
}

func TestBound(t *testing.T) {
	for _, tt := range []struct {
		req, bound, want string
	}{
		{"0.0.0.0:8080", "[::]:8080", "0.0.0.0:8080"},
		{"127.0.0.1:0", "127.0.0.1:41234", "127.0.0.1:41234"},
		{":9000", "[::]:9000", "0.0.0.0:9000"},
		{"[::1]:0", "[::1]:5555", "[::1]:5555"},
	} {
		a, err := net.ResolveTCPAddr("tcp", tt.bound)
		if err != nil {
			t.Fatal(err)
		}
		if got := netx.Bound(tt.req, a); got != tt.want {
			t.Errorf("Bound(%q, %s) = %q, want %q", tt.req, tt.bound, got, tt.want)
		}
	}
}
