package lab_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"sync/atomic"
	"time"

	"github.com/netdemo/netdemo/internal/lab"
)

// A server and a client across a 20 ms link that loses one frame in fifty:
// TCP hides the loss, and the tap shows what crossed the wire.
func ExampleNew() {
	l, err := lab.New(lab.Config{
		Link: lab.Link{RTT: 20 * time.Millisecond, Loss: 0.02},
		Seed: 1,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()

	var syns atomic.Int32 // taps run on the stacks' goroutines
	l.AddTap(func(f lab.Frame) {
		// Byte 33 of an IPv4 packet with a 20-byte header is TCP's flags;
		// 0x02 is SYN.
		if len(f.Data) > 33 && f.Data[9] == 6 && f.Data[33]&0x02 != 0 {
			syns.Add(1)
		}
	})

	ctx := context.Background()
	ln, err := l.Server().Listen(ctx, "tcp", ":7")
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		io.Copy(c, c) // echo
	}()

	c, err := l.Client().Dial(ctx, "tcp", "server.test:7")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	fmt.Fprint(c, "hello")
	buf := make([]byte, 5)
	if _, err := io.ReadFull(c, buf); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s says %q from %v\n", l.Server().Name(), buf, c.RemoteAddr())
	fmt.Println("SYN and SYN-ACK seen:", syns.Load() >= 2)
	// Output:
	// server.test says "hello" from 192.0.2.2:7
	// SYN and SYN-ACK seen: true
}
