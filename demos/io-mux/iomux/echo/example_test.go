//go:build linux || darwin

package echo_test

import (
	"fmt"
	"io"
	"net"

	"github.com/netdemo/netdemo/demos/io-mux/iomux/echo"
)

// One epoll (kqueue) loop on one thread serves every connection.
func ExampleListen() {
	s, err := echo.Listen(echo.Epoll, "127.0.0.1:0", echo.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	c, err := net.Dial("tcp4", s.Addr())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	c.Write([]byte("hello"))
	buf := make([]byte, 5)
	io.ReadFull(c, buf)
	fmt.Printf("%s\n", buf)
	fmt.Println("open connections:", s.Stats().Conns)
	// Output:
	// hello
	// open connections: 1
}
