//go:build unix

package workers

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// reply is one request of a load run.
type reply struct {
	PID        int
	Err        error
	Start, End time.Time
}

// newClient opens a new connection for every request (no keep-alive), so
// that each request is one accept(2) and the kernel chooses the worker.
func newClient() *http.Client {
	return &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{DisableKeepAlives: true},
	}
}

// get fetches url and returns the PID in the body ("pid N").
func get(ctx context.Context, c *http.Client, url string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 256))
	if err != nil {
		return 0, fmt.Errorf("reading the body: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %s", resp.Status)
	}
	return parsePID(string(b))
}

// parsePID reads the body a worker sends: "pid N\n".
func parsePID(body string) (int, error) {
	s, ok := strings.CutPrefix(strings.TrimSpace(body), "pid ")
	if !ok {
		return 0, fmt.Errorf("body %q is not \"pid N\"", body)
	}
	pid, err := strconv.Atoi(s)
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("body %q is not \"pid N\"", body)
	}
	return pid, nil
}

// load sends n GETs to url from conc goroutines. gate, when set, is called
// before request i is sent and may hold it back (the kill step keeps the
// last requests until the replacement worker is ready); done is called
// after each.
func load(ctx context.Context, url string, n, conc int, gate func(i int), done func(i int, rep reply)) []reply {
	c := newClient()
	defer c.CloseIdleConnections()
	out := make([]reply, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for g := 0; g < conc; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				rep := reply{Start: time.Now()}
				rep.PID, rep.Err = get(ctx, c, url)
				rep.End = time.Now()
				out[i] = rep
				if done != nil {
					done(i, rep)
				}
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		if gate != nil {
			gate(i)
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}
