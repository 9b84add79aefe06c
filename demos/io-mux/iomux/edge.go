package iomux

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/netdemo/netdemo/demos/io-mux/iomux/echo"
	"github.com/netdemo/netdemo/internal/demo"
)

const (
	edgeMessage  = 8192 // one write
	edgeReadSize = 1024 // per read in the server
	// stallWait is how long the demo waits for an echo before it calls the
	// connection stalled: a loopback echo takes tens of microseconds.
	stallWait = 150 * time.Millisecond
	// completeWait bounds the loops that should echo everything; they
	// return as soon as they have.
	completeWait = 2 * time.Second
)

// echoOnce sends one message in a single write and reads back what comes
// within wait.
func echoOnce(s echo.Server, msg []byte, wait time.Duration) (net.Conn, int, error) {
	c, err := net.DialTimeout("tcp4", s.Addr(), 2*time.Second)
	if err != nil {
		return nil, 0, err
	}
	// Wait until the server has registered the connection, so that the
	// message arrives as one new edge.
	for deadline := time.Now().Add(time.Second); s.Stats().Conns == 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	if _, err := c.Write(msg); err != nil {
		c.Close()
		return nil, 0, err
	}
	n, err := readFor(c, len(msg), wait)
	return c, n, err
}

// readFor reads up to want bytes until wait passes.
func readFor(c net.Conn, want int, wait time.Duration) (int, error) {
	c.SetReadDeadline(time.Now().Add(wait))
	defer c.SetReadDeadline(time.Time{})
	n, err := io.ReadFull(c, make([]byte, want))
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		err = nil
	}
	return n, err
}

func observeEdge() (edgeResult, error) {
	res := edgeResult{Sent: edgeMessage, ReadSize: edgeReadSize}
	msg := bytes.Repeat([]byte("E"), edgeMessage)
	// wait: how long to give the echo. The loop that may stall gets
	// stallWait; the others return as soon as everything is back.
	run := func(cfg echo.Config, wait time.Duration, f func(s echo.Server, c net.Conn, n int) error) error {
		s, err := echo.Listen(echo.Epoll, "127.0.0.1:0", cfg)
		if err != nil {
			return err
		}
		defer s.Close()
		c, n, err := echoOnce(s, msg, wait)
		if err != nil {
			return fmt.Errorf("echo through %s: %w", echo.EventMechanism, err)
		}
		defer c.Close()
		return f(s, c, n)
	}
	// 1. Edge-triggered, one read per event: the bug.
	err := run(echo.Config{Edge: true, ReadOnce: true, ReadBuf: edgeReadSize}, stallWait, func(s echo.Server, c net.Conn, n int) error {
		res.EchoedStalled, res.UnreadStalled = n, s.Unread()
		res.Stalled = n < edgeMessage && res.UnreadStalled > 0
		if !res.Stalled {
			return nil
		}
		// One more byte is a new edge: the loop reads once more.
		if _, err := c.Write([]byte{'!'}); err != nil {
			return err
		}
		got, err := readFor(c, edgeMessage+1-n, stallWait)
		res.NudgeReleased = got
		return err
	})
	if err != nil {
		return res, err
	}
	// 2. Edge-triggered, read until EAGAIN: the rule.
	err = run(echo.Config{Edge: true, ReadBuf: edgeReadSize}, completeWait, func(s echo.Server, c net.Conn, n int) error {
		res.Fixed = n == edgeMessage
		return nil
	})
	if err != nil {
		return res, err
	}
	// 3. Level-triggered, one read per event: fine, the kernel asks again.
	err = run(echo.Config{ReadOnce: true, ReadBuf: edgeReadSize}, completeWait, func(s echo.Server, c net.Conn, n int) error {
		res.LevelOnceOK = n == edgeMessage
		return nil
	})
	return res, err
}

func showEdge(r *demo.Run, res edgeResult) {
	mech := echo.EventMechanism
	flag := "EPOLLET"
	if mech == "kqueue" {
		flag = "EV_CLEAR"
	}
	r.Printf(r.T("  The client writes %d bytes at once; the server reads %d bytes per read() call.",
		"  客户端一次写入 %d 字节；服务器每次 read() 读 %d 字节。"), res.Sent, res.ReadSize)
	if res.Stalled {
		r.Printf(r.T("  %s edge-triggered (%s), one read per event: %d bytes came back, then nothing for %v. Stalled: %d bytes still sit in the server's receive buffer (FIONREAD), and the kernel will not report the socket again until new data arrives.",
			"  %s 边缘触发（%s），每个事件只读一次：回来了 %d 字节，之后 %v 内再无动静。卡住了：服务器接收缓冲区里还有 %d 字节（FIONREAD），而在新数据到达之前内核不会再报告这个套接字。"),
			mech, flag, res.EchoedStalled, stallWait, res.UnreadStalled)
		switch {
		case res.NudgeReleased > 0 && res.NudgeReleased <= res.ReadSize:
			r.Printf(r.T("  One more byte from the client is a new edge: it released %d more bytes, at most one read's worth. That is how such a bug looks in production: replies that arrive only when the client sends again.",
				"  客户端再发 1 个字节就是一个新的边缘：又放出了 %d 字节，最多一次读的量。生产环境里这类错误的表现就是：客户端再发一次，回复才到。"), res.NudgeReleased)
		case res.NudgeReleased > 0:
			r.Printf(r.T("  One more byte from the client released %d more bytes.", "  客户端再发 1 个字节，又放出了 %d 字节。"), res.NudgeReleased)
		default:
			r.Printf(r.T("  One more byte from the client released nothing within %v.", "  客户端再发 1 个字节，%v 内什么也没有放出。"), stallWait)
		}
	} else {
		r.Printf(r.T("  %s edge-triggered (%s), one read per event: %d of %d bytes came back within %v; this run did not stall (%d bytes unread in the server).",
			"  %s 边缘触发（%s），每个事件只读一次：回来了 %d / %d 字节（等了 %v）；本次没有卡住（服务器里还有 %d 字节未读）。"),
			mech, flag, res.EchoedStalled, res.Sent, stallWait, res.UnreadStalled)
	}
	if res.Fixed {
		r.Printf(r.T("  The same loop reading until EAGAIN: all %d bytes came back. Fixed.", "  同一个循环改为一直读到 EAGAIN：%d 字节全部回来。修好了。"), res.Sent)
	} else {
		r.Printf(r.T("  The same loop reading until EAGAIN: not all %d bytes came back within %v.", "  同一个循环改为一直读到 EAGAIN：%[2]v 内没有回来全部 %[1]d 字节。"), res.Sent, completeWait)
	}
	if res.LevelOnceOK {
		r.Printf(r.T("  Level-triggered with one read per event: all %d bytes came back, because the kernel reports the socket again for as long as bytes wait in it.",
			"  水平触发、每个事件只读一次：%d 字节全部回来，因为只要套接字里还有字节，内核就会一直报告它。"), res.Sent)
	} else {
		r.Printf(r.T("  Level-triggered with one read per event: not all %d bytes came back within %v.", "  水平触发、每个事件只读一次：%[2]v 内没有回来全部 %[1]d 字节。"), res.Sent, completeWait)
	}
}
