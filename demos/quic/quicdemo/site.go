package quicdemo

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"github.com/quic-go/quic-go"
)

// maxBlob caps /blob so that a stray request cannot make the server stream
// gigabytes.
const maxBlob = 64 << 20

// site is the one web site every server of the demo serves, over HTTP/1.1,
// HTTP/2 and HTTP/3 alike: the protocols change, the application does not.
type site struct {
	mu      sync.Mutex
	charges []charge
}

// charge is one execution of a /charge handler: what a payment would have
// done, and what the server could tell about the request.
type charge struct {
	N      int    // 1, 2, ... in the order the handler ran
	Path   string // /charge or /charge-safe
	Remote string // client address the request came from
	Early  bool   // arrived as 0-RTT early data, before the handshake completed
	Status int    // what the handler answered
}

func (s *site) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello over %s\n", r.Proto)
	})
	mux.HandleFunc("GET /blob", serveBlob)
	mux.HandleFunc("GET /charge", func(w http.ResponseWriter, r *http.Request) { s.charge(w, r, false) })
	mux.HandleFunc("GET /charge-safe", func(w http.ResponseWriter, r *http.Request) { s.charge(w, r, true) })
	return mux
}

// serveBlob answers n bytes (?n=65536): the payload of the head-of-line
// experiment.
func serveBlob(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.URL.Query().Get("n"))
	if err != nil || n < 0 || n > maxBlob {
		http.Error(w, fmt.Sprintf("n must be a byte count from 0 to %d", maxBlob), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(n))
	buf := make([]byte, 16<<10)
	for i := range buf {
		buf[i] = byte('a' + i%26)
	}
	for n > 0 {
		k := min(n, len(buf))
		if _, err := w.Write(buf[:k]); err != nil {
			return
		}
		n -= k
	}
}

// charge is a GET with a side effect: the mistake 0-RTT punishes. With safe
// set it follows RFC 8470: a request that arrived in early data is answered
// 425 Too Early and does nothing, so that the client retries it after the
// handshake, when a replay is no longer possible.
func (s *site) charge(w http.ResponseWriter, r *http.Request, safe bool) {
	early := isEarly(r)
	status := http.StatusOK
	if safe && early {
		status = http.StatusTooEarly
	}
	s.mu.Lock()
	c := charge{N: len(s.charges) + 1, Path: r.URL.Path, Remote: r.RemoteAddr, Early: early, Status: status}
	s.charges = append(s.charges, c)
	s.mu.Unlock()
	if status == http.StatusTooEarly {
		http.Error(w, "425 too early: retry after the handshake", status)
		return
	}
	fmt.Fprintf(w, "charged (execution %d)\n", c.N)
}

// Charges returns the executions of the /charge handlers so far.
func (s *site) Charges() []charge {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]charge(nil), s.charges...)
}

// connKey carries the QUIC connection of an HTTP/3 request in its context.
type connKey struct{}

// isEarly says whether r arrived before its connection's handshake completed,
// which over QUIC means in 0-RTT packets. Over TCP, net/http runs handlers
// only after the TLS handshake, so nothing is early.
func isEarly(r *http.Request) bool {
	c, ok := r.Context().Value(connKey{}).(*quic.Conn)
	if !ok {
		return false
	}
	select {
	case <-c.HandshakeComplete():
		return false
	default:
		return true
	}
}
