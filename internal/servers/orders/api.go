package orders

import (
	"errors"
	"net/http"
	"time"
)

// Config sets up an API. The zero value is usable.
type Config struct {
	// MaxBodyBytes bounds a request body (413 beyond it). Default 64 KiB.
	MaxBodyBytes int64
	// MaxURIBytes bounds the request target (414 beyond it). Default 8 KiB,
	// the size RFC 9110 §4.1 recommends every party supports at least.
	MaxURIBytes int
	// AccessLog, when set, gets one Common Log Format line per request.
	AccessLog func(line string)
	// BeforeCreate, when set, runs inside POST /orders after the request
	// was accepted (and its Idempotency-Key reserved) and before the order
	// is stored. The demo uses it to hold a request "still being processed".
	BeforeCreate func(r *http.Request)
	// ErrorLog, when set, gets the errors of the store behind a 500.
	ErrorLog func(err error)
	// AfterCommit, when set, runs after a request with an Idempotency-Key
	// made its effects and its stored response durable, before the
	// response is sent. The demo's crash step kills the server there.
	AfterCommit func(r *http.Request)
	// KeyTTL is how long an Idempotency-Key is remembered. Default 24h.
	KeyTTL time.Duration
	// MaxKeys bounds the number of unexpired keys; beyond it a new key is
	// refused with 503 and Retry-After. Default 10000.
	MaxKeys int
	// DB, when set, keeps the orders in this database, and the
	// Idempotency-Keys too (each key written in the transaction of the
	// order it created) unless KeysInMemory is set. Without it everything
	// is in memory and lost with the process.
	DB *DB
	// KeysInMemory keeps the keys in memory even with a DB: the demo's
	// crash step shows what that loses.
	KeysInMemory bool
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// API is the orders HTTP API: an http.Handler over a [Store].
type API struct {
	cfg     Config
	store   Store
	keys    KeyStore
	handler http.Handler
}

// New returns an API over cfg.DB, or over an empty in-memory store.
func New(cfg Config) *API {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 64 << 10
	}
	if cfg.MaxURIBytes <= 0 {
		cfg.MaxURIBytes = 8 << 10
	}
	if cfg.KeyTTL <= 0 {
		cfg.KeyTTL = 24 * time.Hour
	}
	if cfg.MaxKeys <= 0 {
		cfg.MaxKeys = 10000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	a := &API{cfg: cfg}
	switch {
	case cfg.DB == nil:
		a.store, a.keys = NewMemStore(), NewMemKeyStore(cfg.KeyTTL, cfg.MaxKeys, cfg.Now)
	case cfg.KeysInMemory:
		a.store, a.keys = cfg.DB, NewMemKeyStore(cfg.KeyTTL, cfg.MaxKeys, cfg.Now)
	default:
		a.store, a.keys = cfg.DB, cfg.DB.keyStore(cfg.KeyTTL, cfg.MaxKeys, cfg.Now)
	}

	// Method patterns (Go 1.22): a known path with another method gets 405
	// and an Allow header from ServeMux itself; "GET" patterns serve HEAD.
	mux := http.NewServeMux()
	mux.HandleFunc("POST /orders", a.idempotent(a.create))
	mux.HandleFunc("GET /orders", a.list)
	mux.HandleFunc("GET /orders/{id}", a.get)
	mux.HandleFunc("PUT /orders/{id}", a.put)
	mux.HandleFunc("PATCH /orders/{id}", a.idempotent(a.patch))
	mux.HandleFunc("DELETE /orders/{id}", a.delete)
	a.handler = a.accessLog(a.limitURI(muxErrors(mux)))
	return a
}

// ServeHTTP serves the API.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }

// Store is the API's state, for demos and tests to count from.
func (a *API) Store() Store { return a.store }

// Keys is the Idempotency-Key store.
func (a *API) Keys() KeyStore { return a.keys }

// Persistent reports whether the orders outlive the process.
func (a *API) Persistent() bool { return a.cfg.DB != nil }

// Config is the configuration in effect (defaults filled in).
func (a *API) Config() Config { return a.cfg }

// jsonBody checks the media type and reads the body, answering 415, 413 or
// 400 itself when it cannot; ok says whether the caller may go on.
func (a *API) jsonBody(w http.ResponseWriter, r *http.Request) (mediaType string, body []byte, ok bool) {
	mt, err := jsonMediaType(r)
	if err != nil {
		writeProblem(w, r, newProblem(http.StatusUnsupportedMediaType, "", "", err.Error()))
		return "", nil, false
	}
	b, err := readBody(w, r, a.cfg.MaxBodyBytes)
	switch {
	case errors.Is(err, errBodyTooLarge):
		writeProblem(w, r, newProblem(http.StatusRequestEntityTooLarge, "", "", err.Error()))
		return "", nil, false
	case err != nil:
		writeProblem(w, r, newProblem(http.StatusBadRequest, "", "", err.Error()))
		return "", nil, false
	}
	return mt, b, true
}

// body is jsonBody for callers that do not need the media type.
func (a *API) body(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	_, b, ok := a.jsonBody(w, r)
	return b, ok
}
