package tcpudp

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/netdemo/netdemo/internal/tap"

	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/packet"
)

// opened is a TCP connection across the lab and what it took to open it.
type opened struct {
	Client, Server net.Conn
	Connect        time.Duration // how long Dial took: the handshake, as the client waits for it
	Frames         []tap.Frame   // the TCP frames of the handshake, in order, dropped ones included
}

// openTCP dials ln across the lab and records the handshake frames the tap
// saw: SYN, SYN-ACK, ACK (and any retransmission of them if the link lost
// one).
func openTCP(ctx context.Context, l *lab.Lab, rec *tap.Recorder, ln net.Listener) (opened, error) {
	var o opened
	type accepted struct {
		c   net.Conn
		err error
	}
	acc := make(chan accepted, 1)
	go func() {
		c, err := ln.Accept()
		acc <- accepted{c, err}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	start := time.Now()
	c, err := l.Client().Dial(ctx, "tcp", net.JoinHostPort(lab.ServerName, port))
	o.Connect = time.Since(start)
	if err != nil {
		ln.Close()
		<-acc
		return o, fmt.Errorf("connecting across the lab: %w", err)
	}
	var a accepted
	select {
	case a = <-acc:
	case <-ctx.Done():
		c.Close()
		ln.Close()
		<-acc
		return o, ctx.Err()
	}
	if a.err != nil {
		c.Close()
		return o, fmt.Errorf("accepting on the lab server: %w", a.err)
	}
	o.Client, o.Server = c, a.c

	cport, sport := netx.Port(c.LocalAddr()), netx.Port(c.RemoteAddr())
	// Dial returns as the client sends the final ACK; wait until the tap
	// has seen it.
	isFinalACK := func(f tap.Frame) bool {
		p := f.Pkt
		return f.Dir == netx.ClientToServer && p.Proto == packet.TCP && p.SrcPort == cport &&
			p.Flags.Has(packet.ACK) && !p.Flags.Has(packet.SYN)
	}
	rec.WaitFor(5*time.Second, isFinalACK)
	for _, f := range tap.Select(rec.Frames(), tap.Flow(packet.TCP, cport, sport)) {
		o.Frames = append(o.Frames, f)
		if isFinalACK(f) {
			break
		}
	}
	return o, nil
}

// handshakeNames lists the flags of each handshake frame, e.g.
// ["SYN", "SYN-ACK", "ACK"].
func handshakeNames(frames []tap.Frame) []string {
	out := make([]string, len(frames))
	for i, f := range frames {
		out[i] = tap.FlagString(f.Pkt.Flags)
	}
	return out
}

// countSYNs counts the frames carrying SYN sent by the client: more than one
// means the link lost a SYN (or the SYN-ACK) and TCP sent it again.
func countSYNs(frames []tap.Frame) int {
	n := 0
	for _, f := range frames {
		if f.Dir == netx.ClientToServer && f.Pkt.Flags.Has(packet.SYN) {
			n++
		}
	}
	return n
}
