package deploy

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// newClient is an HTTP client for the proxy or an app server, with
// keep-alive connections for up to 8 concurrent requests.
func newClient(dial dialer) *http.Client {
	t := &http.Transport{MaxIdleConnsPerHost: 16, DisableCompression: true}
	if dial != nil {
		t.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) { return dial(ctx) }
	}
	return &http.Client{Transport: t, Timeout: 20 * time.Second}
}

// get fetches url and returns the status and body.
func get(ctx context.Context, c *http.Client, url string) (int, []byte, http.Header, error) {
	return do(ctx, c, "GET", url, "", nil)
}

func do(ctx context.Context, c *http.Client, method, url, body string, hdr http.Header) (int, []byte, http.Header, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, b, resp.Header, fmt.Errorf("reading the answer to %s %s: %w", method, url, err)
	}
	return resp.StatusCode, b, resp.Header, nil
}

// getOK fetches url and wants a 200.
func getOK(ctx context.Context, c *http.Client, url string) ([]byte, error) {
	code, b, _, err := get(ctx, c, url)
	if err != nil {
		return nil, err
	}
	if code != http.StatusOK {
		return b, fmt.Errorf("GET %s: %d %s", url, code, firstLine(string(b)))
	}
	return b, nil
}
