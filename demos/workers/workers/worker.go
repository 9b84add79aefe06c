//go:build unix

package workers

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/netdemo/netdemo/internal/child"
)

// httpWorkerChild is one worker of the pre-fork server: it serves HTTP on
// the listening socket it inherited as "listener", the same socket as its
// siblings, so the kernel picks which worker accepts each connection. Every
// response names the PID that served it. On SIGTERM it stops accepting,
// lets in-flight requests finish (http.Server.Shutdown) and exits 0.
//
//	GET /            pid N
//	GET /slow?ms=M   the header at once, the body (pid N) after M ms
//	GET /crash       pid N, then a goroutine of this worker panics
func httpWorkerChild(ctx context.Context, args []string) int {
	f := child.File("listener")
	if f == nil {
		fmt.Fprintln(os.Stderr, "workers-http: no listening socket was handed over")
		return 2
	}
	ln, err := net.FileListener(f)
	f.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "workers-http: using the inherited socket:", err)
		return 2
	}
	pid := os.Getpid()
	body := fmt.Sprintf("pid %d\n", pid)
	reply := func(w http.ResponseWriter) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		reply(w)
		fmt.Fprint(w, body)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		ms, err := strconv.Atoi(r.URL.Query().Get("ms"))
		if err != nil || ms < 0 || ms > 10000 {
			http.Error(w, "ms must be 0..10000", http.StatusBadRequest)
			return
		}
		reply(w)
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush() // the client now knows the request is in flight
		time.Sleep(time.Duration(ms) * time.Millisecond)
		fmt.Fprint(w, body)
	})
	mux.HandleFunc("/crash", func(w http.ResponseWriter, r *http.Request) {
		reply(w)
		fmt.Fprint(w, body)
		w.(http.Flusher).Flush()
		// net/http recovers a panic in a handler's own goroutine (it
		// logs it and closes that connection); a panic in any other
		// goroutine ends the process.
		go func() { panic(fmt.Sprintf("worker %d: crash requested", pid)) }()
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Println("ready")
	select {
	case err := <-errc:
		fmt.Fprintln(os.Stderr, "workers-http: serving:", err)
		return 1
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Shutdown waits for Serve to return before it looks at sctx: an
	// accept(2) asleep in the kernel would hold it past the deadline.
	done := make(chan error, 1)
	go func() { done <- srv.Shutdown(sctx) }()
	select {
	case err = <-done:
	case <-sctx.Done():
		err = sctx.Err()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "workers-http: graceful shutdown:", err)
		return 1
	}
	return 0
}
