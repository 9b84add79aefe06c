package deploy

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// seen is what the application reports about the request it received: the
// app's side of every hop.
type seen struct {
	Server          string `json:"server"` // which app server answered
	PID             int    `json:"pid"`
	Method          string `json:"method"`
	Path            string `json:"path"`
	Host            string `json:"host"`
	RemoteAddr      string `json:"remote_addr"` // the peer of the app's socket
	XForwardedFor   string `json:"x_forwarded_for"`
	XForwardedProto string `json:"x_forwarded_proto"`
	XForwardedHost  string `json:"x_forwarded_host"`
	Via             string `json:"via"`
	TLS             bool   `json:"tls"` // did the app itself speak TLS?
	BodyBytes       int64  `json:"body_bytes"`
}

// app is the application, written once and served over every interface:
// the Go stand-in for a Django or Flask view.
//
//	/           reports what it saw (JSON)
//	/hello      a tiny answer, for timing
//	/upload     reads the body, reports its size
//	/download   writes ?bytes=N bytes
type app struct {
	name string
	// oneAtATime makes the app a single synchronous worker (gunicorn's
	// default "sync" worker class): one request at a time, the next waits.
	oneAtATime bool

	worker   sync.Mutex
	requests atomic.Int64
	static   atomic.Int64 // requests for /static/ that reached the app
	mu       sync.Mutex
	busy     []time.Duration // how long each request held the worker
}

func newApp(name string) *app { return &app{name: name} }

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.requests.Add(1)
	if strings.HasPrefix(r.URL.Path, "/static/") {
		a.static.Add(1)
	}
	if a.oneAtATime {
		a.worker.Lock()
		defer a.worker.Unlock()
	}
	start := time.Now()
	defer func() {
		a.mu.Lock()
		a.busy = append(a.busy, time.Since(start))
		a.mu.Unlock()
	}()
	switch r.URL.Path {
	case "/hello":
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "hello\n")
		return
	case "/download":
		n, _ := strconv.Atoi(r.URL.Query().Get("bytes"))
		n = min(max(n, 0), 64<<20)
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(n))
		chunk := make([]byte, 32<<10)
		for n > 0 {
			k := min(n, len(chunk))
			if _, err := w.Write(chunk[:k]); err != nil {
				return
			}
			n -= k
		}
		return
	}
	body, _ := io.Copy(io.Discard, r.Body)
	s := seen{
		Server: a.name, PID: os.Getpid(), Method: r.Method, Path: r.URL.Path, Host: r.Host,
		RemoteAddr:      r.RemoteAddr,
		XForwardedFor:   r.Header.Get("X-Forwarded-For"),
		XForwardedProto: r.Header.Get("X-Forwarded-Proto"),
		XForwardedHost:  r.Header.Get("X-Forwarded-Host"),
		Via:             r.Header.Get("Via"),
		TLS:             r.TLS != nil,
		BodyBytes:       body,
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-App-Server", a.name)
	json.NewEncoder(w).Encode(s)
}

// busyTimes returns how long each request held the worker, and forgets.
func (a *app) busyTimes() []time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	b := a.busy
	a.busy = nil
	return b
}

// decodeSeen reads the app's report from a response body.
func decodeSeen(r io.Reader) (seen, error) {
	var s seen
	if err := json.NewDecoder(r).Decode(&s); err != nil {
		return s, fmt.Errorf("reading what the app saw: %w", err)
	}
	return s, nil
}
