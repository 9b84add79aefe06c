package orders_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/netdemo/netdemo/internal/servers/orders"
)

// newServer starts the API on a real loopback socket.
func newServer(t *testing.T, cfg orders.Config) (*orders.API, string) {
	t.Helper()
	api := orders.New(cfg)
	srv := httptest.NewUnstartedServer(api)
	srv.Config = orders.NewHTTPServer(api, orders.Timeouts{MaxHeaderBytes: 16 << 10})
	srv.Start()
	t.Cleanup(srv.Close)
	return api, srv.URL
}

type response struct {
	status int
	header http.Header
	body   string
}

// send makes one request; hdr is pairs of name and value.
func send(t *testing.T, method, url, body string, hdr ...string) response {
	t.Helper()
	r, err := trySend(method, url, body, hdr...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// trySend is send for goroutines other than the test's.
func trySend(method, url, body string, hdr ...string) (response, error) {
	return trySendWith(http.DefaultClient, method, url, body, hdr...)
}

// trySendWith is trySend with a client of the caller's.
func trySendWith(hc *http.Client, method, url, body string, hdr ...string) (response, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return response{}, fmt.Errorf("building %s %s: %w", method, url, err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := hc.Do(req)
	if err != nil {
		return response{}, fmt.Errorf("%s %s: %w", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, fmt.Errorf("%s %s: reading: %w", method, url, err)
	}
	return response{resp.StatusCode, resp.Header, string(b)}, nil
}

func problemOf(t *testing.T, r response) orders.Problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json (body %q)", ct, r.body)
	}
	var p orders.Problem
	if err := json.Unmarshal([]byte(r.body), &p); err != nil {
		t.Fatalf("problem body %q: %v", r.body, err)
	}
	if p.Status != r.status || p.Title == "" || p.Type == "" {
		t.Fatalf("problem %+v: want status %d, a title and a type", p, r.status)
	}
	return p
}

// count is the number of orders in api's store.
func count(t *testing.T, api *orders.API) int {
	t.Helper()
	list, err := api.Store().List(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
