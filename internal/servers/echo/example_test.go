package echo_test

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/servers/echo"
)

func ExampleListen() {
	s, err := echo.Listen(context.Background(), netx.Loopback, "127.0.0.1:0", echo.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	buf := make([]byte, 64)
	for _, network := range []string{"tcp", "udp"} {
		addr := s.TCPAddr().String()
		if network == "udp" {
			addr = s.UDPAddr().String()
		}
		c, err := net.Dial(network, addr)
		if err != nil {
			fmt.Println(err)
			return
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		c.Write([]byte("hello"))
		n, err := c.Read(buf)
		fmt.Printf("%s: %q %v\n", network, buf[:n], err)
		c.Close()
	}
	// Output:
	// tcp: "hello" <nil>
	// udp: "hello" <nil>
}
