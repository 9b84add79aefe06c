package wiretap_test

import (
	"fmt"
	"io"
	"net"

	"github.com/netdemo/netdemo/internal/netx"

	"github.com/netdemo/netdemo/internal/wiretap"
)

// A client asks "ping?" and the server answers "pong": the tap on the
// client's end records both, in order, and which way each went.
func Example() {
	client, server := net.Pipe()
	go func() {
		defer server.Close()
		buf := make([]byte, 5)
		if _, err := io.ReadFull(server, buf); err == nil {
			server.Write([]byte("pong"))
		}
	}()

	tap := wiretap.Client(client)
	defer tap.Close()
	tap.Write([]byte("ping?"))
	reply := make([]byte, 4)
	io.ReadFull(tap, reply)

	for _, c := range tap.Chunks() {
		fmt.Printf("%d %s %q\n", c.Seq, c.Dir.Arrow(), c.Data)
	}
	fmt.Printf("the client sent %q in %d write(s)\n", tap.Bytes(netx.ClientToServer), tap.Writes())
	// Output:
	// 0 C→S "ping?"
	// 1 S→C "pong"
	// the client sent "ping?" in 1 write(s)
}
