package tcplife

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/packet"
)

// The flow-control experiment: a receiver with a fixed 64 KiB buffer
// that stops reading for pauseRead while the sender has zwBytes to send.
const (
	zwBuffer  = 64 << 10
	zwBytes   = 96 << 10
	pauseRead = 500 * time.Millisecond
	zwPort    = 81
)

// zeroWindow is what the tap showed of flow control.
type zeroWindow struct {
	Frames            []seen // the connection's frames
	Scale             int    // the receiver's window scale (its SYN-ACK), 0 if none
	FirstZero, Update int    // indexes into Frames; -1 if not seen
	Probes            []int  // indexes of zero-window probes
	Stall             time.Duration
	Received          int
}

// observeZeroWindow runs the experiment on its own lab.
func observeZeroWindow(ctx context.Context, l *lab.Lab) (zeroWindow, error) {
	out := zeroWindow{FirstZero: -1, Update: -1}
	if err := setReceiveBuffer(l.Server(), zwBuffer); err != nil {
		return out, err
	}
	w := &recorder{}
	remove := l.AddTap(w.tap)
	defer remove()
	ln, err := l.Server().Listen(ctx, "tcp", fmt.Sprintf(":%d", zwPort))
	if err != nil {
		return out, fmt.Errorf("listening on the lab server: %w", err)
	}
	defer ln.Close()
	got := make(chan int, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- 0
			return
		}
		defer c.Close()
		time.Sleep(pauseRead) // the reader stops reading …
		n, _ := io.CopyN(io.Discard, c, zwBytes)
		got <- int(n) // … then reads everything
	}()
	c, err := l.Client().Dial(ctx, "tcp", net.JoinHostPort(lab.ServerName, fmt.Sprint(zwPort)))
	if err != nil {
		return out, fmt.Errorf("connecting across the lab: %w", err)
	}
	defer c.Close()
	go c.Write(make([]byte, zwBytes)) // into the client's send buffer; returns when sent or closed
	select {
	case out.Received = <-got:
	case <-time.After(5 * time.Second):
		return out, fmt.Errorf("the reader did not get %d bytes within 5 s", zwBytes)
	case <-ctx.Done():
		return out, ctx.Err()
	}
	out.Frames = w.snapshot()
	classifyWindow(&out)
	return out, nil
}

// classifyWindow finds, as Wireshark's TCP analysis would, the receiver's
// zero windows, the sender's probes while the window was shut, and the
// window update that reopened it.
func classifyWindow(z *zeroWindow) {
	shut := false
	var ack uint32
	for i, f := range z.Frames {
		p := f.Pkt
		if f.Dir == netx.ServerToClient {
			if p.Flags.Has(packet.SYN) {
				if ws := p.ParseOptions().WindowScale; ws > 0 {
					z.Scale = ws
				}
				continue
			}
			ack = p.Ack
			switch {
			case p.Window == 0 && !p.Flags.Has(packet.RST) && !p.Flags.Has(packet.FIN):
				if z.FirstZero < 0 {
					z.FirstZero = i
				}
				shut = true
			case shut && p.Window > 0:
				shut = false
				if z.Update < 0 {
					z.Update = i
					z.Stall = f.At.Sub(z.Frames[z.FirstZero].At)
				}
			}
			continue
		}
		// A probe: at most one byte, at or below what the receiver has
		// already acknowledged, sent while the window is shut (gVisor
		// resends the last acknowledged byte; Linux sends no data at that
		// sequence number).
		if shut && len(p.Payload) <= 1 && p.Seq+1 <= ack && !p.Flags.Has(packet.SYN) {
			z.Probes = append(z.Probes, i)
		}
	}
}

// windowBytes is the receive window a segment advertises, scaled.
func windowBytes(p packet.Packet, scale int) int {
	if p.Flags.Has(packet.SYN) {
		return int(p.Window)
	}
	return int(p.Window) << scale
}
