package iomux

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/netdemo/netdemo/demos/io-mux/iomux/echo"
	"github.com/netdemo/netdemo/internal/demo"
)

// observeSelectLimit pushes select past FD_SETSIZE for real: it fills this
// process's descriptor table up to 1,024 with /dev/null, so that the next
// connection the select server accepts gets a number fd_set cannot hold.
// A poll server gets a connection just as high, for comparison.
func observeSelectLimit(r *demo.Run, nofile int) (selectLimit, error) {
	res := selectLimit{FDSetSize: echo.FDSetSize}
	// The servers' own descriptors (listener, wake pipe) come first, below
	// the filling.
	sel, err := echo.Listen(echo.Select, "127.0.0.1:0", echo.Config{})
	if err != nil {
		return res, err
	}
	defer sel.Close()
	pol, err := echo.Listen(echo.Poll, "127.0.0.1:0", echo.Config{})
	if err != nil {
		return res, err
	}
	defer pol.Close()

	var filler []*os.File
	defer func() {
		for _, f := range filler {
			f.Close()
		}
	}()
	// Up to FD_SETSIZE-2: the client's socket takes the next number, the
	// server's accepted socket the one after, FD_SETSIZE itself.
	for top := 0; top < echo.FDSetSize-2; {
		f, err := os.Open(os.DevNull)
		if err != nil {
			res.Error = fmt.Sprintf(r.T("this process cannot open descriptor %d (RLIMIT_NOFILE %d): %v", "本进程无法打开第 %d 号描述符（RLIMIT_NOFILE %d）：%v"), top+1, nofile, err)
			return res, nil
		}
		filler = append(filler, f)
		top = int(f.Fd())
	}

	c, err := net.DialTimeout("tcp4", sel.Addr(), 2*time.Second)
	if err != nil {
		return res, fmt.Errorf("connecting to the select server: %w", err)
	}
	defer c.Close()
	deadline := time.Now().Add(2 * time.Second)
	for sel.Stats().Refused == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	st := sel.Stats()
	res.RefusedFD, res.Error = st.RefusedFD, st.RefuseErr
	c.SetDeadline(time.Now().Add(time.Second))
	c.Write([]byte("ping"))
	n, err := c.Read(make([]byte, 4))
	switch {
	case errors.Is(err, io.EOF):
		res.ClientSaw = fmt.Sprintf(r.T("end of file after %d bytes: the server accepted the connection and closed it", "读了 %d 字节后遇到文件结束：服务器接受了连接又关闭了它"), n)
	case err != nil:
		res.ClientSaw = fmt.Sprintf(r.T("%v after %d bytes", "%[2]d 字节后：%[1]v"), err, n)
	default:
		res.ClientSaw = fmt.Sprintf(r.T("an echo of %d bytes (the select server watched it after all)", "收到 %d 字节回显（select 服务器还是监视了它）"), n)
	}

	pc, err := net.DialTimeout("tcp4", pol.Addr(), 2*time.Second)
	if err != nil {
		return res, fmt.Errorf("connecting to the poll server: %w", err)
	}
	defer pc.Close()
	pc.SetDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 4)
	echoed := false
	if _, err := pc.Write([]byte("ping")); err == nil {
		if _, err := io.ReadFull(pc, buf); err == nil && string(buf) == "ping" {
			echoed = true
		}
	}
	res.PollFD = pol.Stats().LastFD
	// Only an echo at a descriptor select could not hold shows poll's
	// lack of the limit.
	res.PollServed = echoed && res.PollFD >= echo.FDSetSize
	return res, nil
}

func showSelectLimit(r *demo.Run, res selectLimit) {
	r.Printf(r.T("  fd_set is a bitmask of %d bits (FD_SETSIZE): select(2) can watch descriptors 0 to %d only.",
		"  fd_set 是一个 %d 位的位图（FD_SETSIZE）：select(2) 只能监视 0 到 %d 号描述符。"), res.FDSetSize, res.FDSetSize-1)
	if res.RefusedFD == 0 {
		r.Printf(r.T("  Could not reach descriptor %d here: %s.", "  这里到不了第 %d 号描述符：%s。"), res.FDSetSize, res.Error)
		return
	}
	r.Printf(r.T("  With descriptors 0–%d taken, the select server accepted a connection as fd %d. Putting it in an fd_set failed:",
		"  0–%d 号描述符都被占用后，select 服务器接受的连接是 %d 号描述符。把它放进 fd_set 失败了："), res.RefusedFD-1, res.RefusedFD)
	r.Pre("    %s", res.Error)
	r.Printf(r.T("  In Go the bounds check catches it; in C, FD_SET(%d) writes past the end of the fd_set (or _FORTIFY_SOURCE aborts the program). The server cannot watch it, so it closes it. The client saw: %s.",
		"  在 Go 里越界检查拦住了它；在 C 里，FD_SET(%d) 会写到 fd_set 之外（或被 _FORTIFY_SOURCE 中止程序）。服务器无法监视它，只能关闭。客户端看到的是：%s。"), res.RefusedFD, res.ClientSaw)
	if res.PollServed {
		r.Printf(r.T("  The poll server, its connection at fd %v, echoed the same \"ping\": poll(2) takes an array of descriptors, not a bitmask, and has no such limit.",
			"  poll 服务器的连接是 %v 号描述符，照样回显了 \"ping\"：poll(2) 接收的是描述符数组而不是位图，没有这个限制。"), res.PollFD)
	}
}
