package getpost

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/servers/orders"
)

// client sends the demo's requests and narrates each exchange on one line.
type client struct {
	r    *demo.Run
	base string // "http://127.0.0.1:port"
	hc   *http.Client
}

// reply is a response read in full.
type reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// do sends one request; hdr is pairs of header name and value. body ""
// means no body.
func (c *client) do(ctx context.Context, method, path, body string, hdr ...string) (reply, error) {
	rep, err := c.send(ctx, method, path, body, hdr...)
	if err != nil {
		return rep, err
	}
	c.narrate(method, path, body, hdr, rep)
	return rep, nil
}

// send is do without narration.
func (c *client) send(ctx context.Context, method, path, body string, hdr ...string) (reply, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return reply{}, fmt.Errorf("building %s %s: %w", method, path, err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i]) // "" means: send no such field
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return reply{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, fmt.Errorf("%s %s: reading the response: %w", method, path, err)
	}
	return reply{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// shownHeaders are the response headers worth a glance in the narration.
var shownHeaders = []string{"Location", "ETag", "Allow", "Idempotent-Replayed"}

func (c *client) narrate(method, path, body string, hdr []string, rep reply) {
	var b strings.Builder
	fmt.Fprintf(&b, "  %s %s", method, short(path, 60))
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			fmt.Fprintf(&b, c.r.T(" (no %s)", "（没有 %s）"), hdr[i])
			continue
		}
		fmt.Fprintf(&b, " %s", hdr[i]+": "+hdr[i+1])
	}
	if body != "" {
		fmt.Fprintf(&b, " %s", short(body, 60))
	}
	fmt.Fprintf(&b, "  →  %d %s", rep.Status, orders.ReasonPhrase(rep.Status))
	for _, h := range shownHeaders {
		if v := rep.Header.Get(h); v != "" {
			fmt.Fprintf(&b, " %s", h+": "+v)
		}
	}
	var p orders.Problem
	switch {
	case strings.HasPrefix(rep.Header.Get("Content-Type"), "application/problem+json") && json.Unmarshal(rep.Body, &p) == nil:
		// The part of the problem document a person reads.
		fmt.Fprintf(&b, " %s %q", "problem+json:", short(p.Detail, 110))
	case len(rep.Body) > 0:
		fmt.Fprintf(&b, " %s", short(strings.TrimSpace(string(rep.Body)), 110))
	}
	c.r.Printf("%s", b.String())
	c.r.Event("exchange", map[string]any{"method": method, "path": short(path, 200), "status": rep.Status, "replayed": rep.Header.Get("Idempotent-Replayed") != ""})
}

// short cuts s to n bytes for display.
func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("…(%d bytes)", len(s))
}
