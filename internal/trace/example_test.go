package trace_test

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/netdemo/netdemo/internal/trace"
	"github.com/netdemo/netdemo/internal/trace/capfile"
)

// Reading a capture prints each packet as tshark does, with a note under it.
func ExampleRead() {
	var capture bytes.Buffer
	trace.WriteSyntheticCapture(&capture, 13, 1)
	sum, err := trace.Read(context.Background(), &capture, os.Stdout, trace.Options{Notes: true})
	if err != nil {
		fmt.Println(err)
	}
	fmt.Printf("%+v\n", sum)
	// Output:
	// 1   0.000000    192.0.2.1 → 192.0.2.2    TCP 60 49153 → 5555 [SYN] Seq=0 Win=64240 Len=0 MSS=1460 SACK_PERM TSval=3809938708 TSecr=0 WS=128
	//       ↳ handshake 1/3: the client asks to open a connection and picks its initial sequence number
	//     2   0.000020    192.0.2.2 → 192.0.2.1    TCP 60 5555 → 49153 [SYN, ACK] Seq=0 Ack=1 Win=65160 Len=0 MSS=1460 SACK_PERM TSval=3809938715 TSecr=3809938708 WS=128
	//       ↳ handshake 2/3: the server accepts, acknowledges the SYN and picks its own initial sequence number
	//     3   0.010020    192.0.2.1 → 192.0.2.2    TCP 40 49153 → 5555 [ACK] Seq=1 Ack=1 Win=64256 Len=0
	//       ↳ handshake 3/3: the client acknowledges the SYN/ACK; the connection is open
	//     4   0.010070    192.0.2.1 → 192.0.2.2    TCP 53 49153 → 5555 [PSH, ACK] Seq=1 Ack=1 Win=64256 Len=13
	//       ↳ data: 13 bytes of payload
	//     5   0.010070    192.0.2.2 → 192.0.2.1    TCP 1488 5555 → 49153 [ACK] Seq=1 Ack=14 Win=64256 Len=1448
	//       ↳ data: 1448 bytes of payload
	//     6   0.010082    192.0.2.2 → 192.0.2.1    TCP 1488 5555 → 49153 [PSH, ACK] Seq=1449 Ack=14 Win=64256 Len=1448
	//       ↳ data: 1448 bytes of payload
	//     7   0.020094    192.0.2.1 → 192.0.2.2    TCP 40 49153 → 5555 [ACK] Seq=14 Ack=2897 Win=64256 Len=0
	//       ↳ pure ACK: acknowledges bytes up to 2896
	//     8   0.020119    192.0.2.2 → 192.0.2.1    TCP 40 5555 → 49153 [FIN, ACK] Seq=2897 Ack=14 Win=64256 Len=0
	//       ↳ teardown 1/4: the server has no more data to send and closes its direction (FIN)
	//     9   0.030119    192.0.2.1 → 192.0.2.2    TCP 40 49153 → 5555 [ACK] Seq=14 Ack=2898 Win=64256 Len=0
	//       ↳ teardown 2/4: the client acknowledges the FIN; it may still send data until its own FIN
	//    10   0.030219    192.0.2.1 → 192.0.2.2    TCP 40 49153 → 5555 [FIN, ACK] Seq=14 Ack=2898 Win=64256 Len=0
	//       ↳ teardown 3/4: the client is done too and closes its direction (FIN)
	//    11   0.030249    192.0.2.2 → 192.0.2.1    TCP 40 5555 → 49153 [ACK] Seq=2898 Ack=15 Win=64256 Len=0
	//       ↳ teardown 4/4: the server acknowledges the last FIN; the connection is closed
	//    12   0.035249    192.0.2.1 → 192.0.2.2    UDP 46 40001 → 40002 Len=18
	//       ↳ UDP datagram: no handshake, no acknowledgement (18 bytes)
	//    13   0.036249    192.0.2.1 → 192.0.2.2    UDP 46 40001 → 40002 Len=18
	//       ↳ UDP datagram: no handshake, no acknowledgement (18 bytes)
	// {Packets:13 Flows:2 Handshakes:1 Teardowns:1 Resets:0 Retransmissions:0 DupACKs:0 OutOfOrder:0 UDPDatagrams:2}
}

// A demo feeds packets one at a time, as its tap hands them over, and
// draws them at the end.
func ExampleAnalyzer() {
	var capture bytes.Buffer
	trace.WriteSyntheticCapture(&capture, 13, 1)
	r, _ := capfile.NewReader(&capture) // stands in for the lab's tap

	a := trace.NewAnalyzer(trace.Options{Lang: "zh"})
	var packets []trace.Packet
	for {
		rec, err := r.Next()
		if err != nil {
			break
		}
		packets = append(packets, a.Add(rec.Time, rec.Data)) // raw IPv4, like the lab
	}
	fmt.Println(packets[0].Note)
	trace.WriteLadder(os.Stdout, packets[:4], trace.LadderOptions{})
	fmt.Printf("%+v\n", a.Summary())
	// Output:
	// 握手 1/3：客户端请求建立连接，并选定自己的初始序列号
	//                 192.0.2.1                                             192.0.2.2
	//     1  0.000000 |-- SYN seq=0 ----------------------------------------------->|
	//     2  0.000020 |<------------------------------------- SYN+ACK seq=0 ack=1 --|
	//     3  0.010020 |-- ACK seq=1 ack=1 ----------------------------------------->|
	//     4  0.010070 |-- PSH+ACK seq=1 ack=1 len=13 ------------------------------>|
	// {Packets:13 Flows:2 Handshakes:1 Teardowns:1 Resets:0 Retransmissions:0 DupACKs:0 OutOfOrder:0 UDPDatagrams:2}
}
