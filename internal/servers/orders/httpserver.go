package orders

import (
	"net/http"
	"time"
)

// Timeouts are the limits of the HTTP server around the API. Zero fields
// take the defaults below, which suit an API on a public port.
type Timeouts struct {
	// ReadHeaderTimeout bounds the time to receive the request line and
	// headers, from the first byte: a client trickling them (slowloris) is
	// cut off instead of holding a connection forever. Default 5s.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading the whole request, body included. Default 30s.
	ReadTimeout time.Duration
	// WriteTimeout bounds writing the response. Default 30s.
	WriteTimeout time.Duration
	// IdleTimeout closes keep-alive connections idle this long. Default 60s.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds request line plus headers; beyond it net/http
	// answers 431 itself. Default 64 KiB.
	MaxHeaderBytes int
}

func or(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// NewHTTPServer wraps h in an http.Server with the given limits.
func NewHTTPServer(h http.Handler, t Timeouts) *http.Server {
	mhb := t.MaxHeaderBytes
	if mhb <= 0 {
		mhb = 64 << 10
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: or(t.ReadHeaderTimeout, 5*time.Second),
		ReadTimeout:       or(t.ReadTimeout, 30*time.Second),
		WriteTimeout:      or(t.WriteTimeout, 30*time.Second),
		IdleTimeout:       or(t.IdleTimeout, 60*time.Second),
		MaxHeaderBytes:    mhb,
	}
}
