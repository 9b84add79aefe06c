package deploy

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
)

// Sizes of the slow client's upload and download.
const (
	slowUploadBytes   = 64 << 10
	slowDownloadBytes = 4 << 20
	slowPieces        = 16
	smallSockBuf      = 32 << 10
)

// bufCase is one slow-client run: a one-request-at-a-time worker behind a
// proxy that buffers or not.
type bufCase struct {
	upload   bool
	buffered bool
	busy     time.Duration // how long the worker was held
	client   time.Duration // how long the client took
	err      error
}

// showBuffering runs a slow uploader and a slow reader against a single
// worker, with and without buffering in the proxy. The four runs go at
// once, each with its own proxy and worker.
func showBuffering(ctx context.Context, r *demo.Run, dir *sockDir, slow time.Duration, res *result) error {
	r.Step("buffering", r.T("Slow clients: how long a single worker is held, without and with buffering",
		"慢客户端：单个工作进程被占用多久，代理缓冲与不缓冲"))
	cases := []*bufCase{{upload: true}, {upload: true, buffered: true}, {}, {buffered: true}}
	var wg sync.WaitGroup
	for i, bc := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bc.run(ctx, dir, fmt.Sprintf("slow-%d", i), slow)
		}()
	}
	wg.Wait()
	for _, bc := range cases {
		if bc.err != nil {
			return bc.err
		}
	}
	t := event.NewTable("buffering", r.T("slow client", "慢客户端"), r.T("proxy", "代理"), r.T("client took|ms", "客户端耗时|ms"), r.T("worker busy|ms", "工作进程占用|ms")).
		Titled(r.T("One worker, one slow client", "一个工作进程，一个慢客户端"))
	t.AlignLeft(1)
	for _, bc := range cases {
		what := r.T(fmt.Sprintf("uploads %d KiB in %d pieces", slowUploadBytes>>10, slowPieces), fmt.Sprintf("分 %d 次上传 %d KiB", slowPieces, slowUploadBytes>>10))
		if !bc.upload {
			what = r.T(fmt.Sprintf("reads %d MiB slowly", slowDownloadBytes>>20), fmt.Sprintf("慢慢读取 %d MiB", slowDownloadBytes>>20))
		}
		mode := r.T("streams", "直通")
		if bc.buffered {
			mode = r.T("buffers", "缓冲")
		}
		t.Row(what, mode, ms(bc.client), ms(bc.busy))
	}
	r.Table(t)
	up, upb, down, downb := cases[0], cases[1], cases[2], cases[3]
	res.Buffering = buffering{
		WorkerBusyMSUnbuffered: ms(up.busy), WorkerBusyMSBuffered: ms(upb.busy),
		SlowReaderWorkerBusyMSUnbuffered: ms(down.busy), SlowReaderWorkerBusyMSBuffered: ms(downb.busy),
		ClientMS: ms(up.client),
	}
	r.Measure("worker_busy_ms_unbuffered", ms(up.busy), "ms")
	r.Measure("worker_busy_ms_buffered", ms(upb.busy), "ms")
	r.Set("slow_reader_busy_unbuffered", ms(down.busy))
	r.Set("slow_reader_busy_buffered", ms(downb.busy))
	r.Set("buffering_note", bufferingNote(r, up, upb, down, downb))
	return nil
}

// bufferingNote says, from this run, how much sooner buffering freed the
// worker for each slow client, or that it did not clearly help.
func bufferingNote(r *demo.Run, up, upb, down, downb *bufCase) string {
	// helped is how many times sooner the worker was free with buffering,
	// when that is at least twice.
	helped := func(un, bu time.Duration) (float64, bool) {
		x := float64(un) / float64(max(bu, time.Microsecond))
		return x, x >= 2
	}
	xu, okU := helped(up.busy, upb.busy)
	xd, okD := helped(down.busy, downb.busy)
	switch {
	case okU && okD:
		return r.T(fmt.Sprintf("buffering freed the worker %.0f× sooner for the upload and %.0f× sooner for the reader", xu, xd),
			fmt.Sprintf("有缓冲时，工作进程的占用时间在上传时缩短到原来的 1/%.0f，在慢读时缩短到 1/%.0f", xu, xd))
	case okU:
		return r.T(fmt.Sprintf("buffering freed the worker %.0f× sooner for the upload, but not clearly sooner for the slow reader on this run", xu),
			fmt.Sprintf("有缓冲时，工作进程的占用时间在上传时缩短到原来的 1/%.0f，但这次运行中慢读的情况没有明显改善", xu))
	case okD:
		return r.T(fmt.Sprintf("buffering freed the worker %.0f× sooner for the slow reader, but not clearly sooner for the upload on this run", xd),
			fmt.Sprintf("有缓冲时，工作进程的占用时间在慢读时缩短到原来的 1/%.0f，但这次运行中上传的情况没有明显改善", xd))
	default:
		return r.T("on this run buffering did not clearly shorten the worker's time", "这次运行中缓冲没有明显缩短工作进程的占用时间")
	}
}

func (bc *bufCase) run(ctx context.Context, dir *sockDir, name string, slow time.Duration) {
	a := newApp(name)
	a.oneAtATime = true
	sock := dir.Sock(name)
	l, err := listenUnix(sock)
	if err != nil {
		bc.err = err
		return
	}
	s := serveHTTP(l, a)
	defer s.Close()
	p := newProxy(proxyConfig{BufferRequests: bc.buffered, BufferResponses: bc.buffered})
	p.add(name, "unix:"+sock, httpTransport(unixDialer(sock)))
	var lc net.ListenConfig
	pl, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		bc.err = fmt.Errorf("starting a proxy: %w", err)
		return
	}
	// The proxy's send buffer toward the client is kept small, so that the
	// kernel does not quietly buffer megabytes for a slow reader.
	ps := serveHTTP(pl, p, func(srv *http.Server) {
		srv.ConnState = func(c net.Conn, st http.ConnState) {
			if tc, ok := c.(*net.TCPConn); ok && st == http.StateNew {
				tc.SetWriteBuffer(smallSockBuf)
			}
		}
	})
	defer ps.Close()
	url := "http://" + pl.Addr().String()
	start := time.Now()
	if bc.upload {
		bc.err = slowUpload(ctx, url+"/upload", slow)
	} else {
		bc.err = slowDownload(ctx, pl.Addr().String(), "/download?bytes="+fmt.Sprint(slowDownloadBytes), slow)
	}
	bc.client = time.Since(start)
	busy := a.busyTimes()
	if bc.err == nil && len(busy) != 1 {
		bc.err = fmt.Errorf("slow client: the worker served %d requests, want 1", len(busy))
	}
	if len(busy) > 0 {
		bc.busy = busy[0]
	}
}

// slowUpload sends a body in pieces spread over slow.
func slowUpload(ctx context.Context, url string, slow time.Duration) error {
	pr, pw := io.Pipe()
	go func() {
		piece := make([]byte, slowUploadBytes/slowPieces)
		for i := 0; i < slowPieces; i++ {
			if i > 0 {
				select {
				case <-ctx.Done():
					pw.CloseWithError(ctx.Err())
					return
				case <-time.After(slow / (slowPieces - 1)):
				}
			}
			if _, err := pw.Write(piece); err != nil {
				return
			}
		}
		pw.Close()
	}()
	req, err := http.NewRequestWithContext(ctx, "POST", url, pr)
	if err != nil {
		return err
	}
	req.ContentLength = slowUploadBytes
	cl := newClient(nil)
	defer cl.CloseIdleConnections()
	resp, err := cl.Do(req)
	if err != nil {
		return fmt.Errorf("slow upload: %w", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("slow upload: status %d", resp.StatusCode)
	}
	return nil
}

// slowDownload reads the answer in pieces spread over slow, through a
// small receive buffer.
func slowDownload(ctx context.Context, addr, path string, slow time.Duration) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("slow reader: %w", err)
	}
	defer conn.Close()
	conn.(*net.TCPConn).SetReadBuffer(smallSockBuf)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, addr); err != nil {
		return fmt.Errorf("slow reader: %w", err)
	}
	const pieces = 64
	buf := make([]byte, slowDownloadBytes/pieces)
	total := 0
	for i := 0; ; i++ {
		n, err := io.ReadFull(conn, buf)
		total += n
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return fmt.Errorf("slow reader: %w", err)
		}
		time.Sleep(slow / pieces)
	}
	if total < slowDownloadBytes {
		return fmt.Errorf("slow reader: got %d bytes, want at least %d", total, slowDownloadBytes)
	}
	return nil
}
