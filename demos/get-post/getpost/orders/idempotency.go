package orders

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Header names of the Idempotency-Key draft (draft-ietf-httpapi-idempotency-key-header)
// and the header that marks a replayed response (a common convention, e.g.
// Stripe's; the draft leaves the marking to the server).
const (
	KeyHeader      = "Idempotency-Key"
	ReplayedHeader = "Idempotent-Replayed"
	MaxKeyLen      = 255
)

// ParseKey reads an Idempotency-Key field value. The draft defines it as a
// Structured Field String (RFC 8941 §3.3.3), "quoted"; people typing curl
// commands send it bare, so a bare value of visible ASCII is accepted too.
func ParseKey(v string) (string, error) {
	v = strings.Trim(v, " \t")
	if v == "" {
		return "", errors.New("the Idempotency-Key is empty")
	}
	var key string
	if v[0] == '"' {
		var b strings.Builder
		i := 1
		for ; i < len(v); i++ {
			c := v[i]
			if c == '\\' {
				i++
				if i == len(v) || (v[i] != '"' && v[i] != '\\') {
					return "", errors.New(`the Idempotency-Key has a bad escape; only \" and \\ are allowed`)
				}
				b.WriteByte(v[i])
				continue
			}
			if c == '"' {
				break
			}
			if c < 0x20 || c > 0x7e {
				return "", errors.New("the Idempotency-Key must be printable ASCII")
			}
			b.WriteByte(c)
		}
		if i >= len(v) || i != len(v)-1 {
			return "", errors.New("the Idempotency-Key string is not closed by a single final quote")
		}
		key = b.String()
	} else {
		for i := 0; i < len(v); i++ {
			if c := v[i]; c <= 0x20 || c > 0x7e || c == '"' || c == '\\' || c == ',' {
				return "", errors.New(`the Idempotency-Key must be visible ASCII without spaces, quotes or commas (or a "quoted string")`)
			}
		}
		key = v
	}
	if key == "" || len(key) > MaxKeyLen {
		return "", fmt.Errorf("the Idempotency-Key must be 1 to %d characters", MaxKeyLen)
	}
	return key, nil
}

// KeyStore remembers, per Idempotency-Key, a fingerprint of the first
// request and, once it finished, its response. Its methods are safe for
// concurrent use: the check of a key and its reservation happen under one
// lock, so two concurrent requests with one key can never both run.
type KeyStore struct {
	mu   sync.Mutex
	keys map[string]*keyEntry
	ttl  time.Duration
	max  int
	now  func() time.Time
}

type keyEntry struct {
	fingerprint [32]byte
	done        bool
	resp        recorded
	expires     time.Time
}

type recorded struct {
	status int
	header http.Header
	body   []byte
}

// keyState is what begin decided for a request.
type keyState int

const (
	keyNew      keyState = iota // run the request; finish or release afterwards
	keyReplay                   // send the stored response
	keyBusy                     // the first request is still running: 409
	keyMismatch                 // same key, other payload: 422
	keyFull                     // too many keys in flight: 503
)

// NewKeyStore keeps keys for ttl, at most max of them.
func NewKeyStore(ttl time.Duration, max int, now func() time.Time) *KeyStore {
	return &KeyStore{keys: map[string]*keyEntry{}, ttl: ttl, max: max, now: now}
}

func (s *KeyStore) begin(key string, fp [32]byte) (keyState, recorded) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if e, ok := s.keys[key]; ok && now.Before(e.expires) {
		switch {
		case e.fingerprint != fp:
			return keyMismatch, recorded{}
		case !e.done:
			return keyBusy, recorded{}
		}
		return keyReplay, e.resp
	}
	if len(s.keys) >= s.max && !s.evict(now) {
		return keyFull, recorded{}
	}
	s.keys[key] = &keyEntry{fingerprint: fp, expires: now.Add(s.ttl)}
	return keyNew, recorded{}
}

// evict drops expired keys, or else the finished one that expires first.
func (s *KeyStore) evict(now time.Time) bool {
	var oldest string
	for k, e := range s.keys {
		if !now.Before(e.expires) {
			delete(s.keys, k)
			continue
		}
		if e.done && (oldest == "" || e.expires.Before(s.keys[oldest].expires)) {
			oldest = k
		}
	}
	if len(s.keys) < s.max {
		return true
	}
	if oldest == "" {
		return false
	}
	delete(s.keys, oldest)
	return true
}

func (s *KeyStore) finish(key string, resp recorded) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.keys[key]; ok {
		e.done, e.resp = true, resp
	}
}

// release forgets a key whose request failed on the server's side (5xx),
// so that a retry runs again instead of replaying the failure.
func (s *KeyStore) release(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.keys, key)
}

// Len is the number of keys held.
func (s *KeyStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.keys)
}

// idempotent wraps a non-idempotent handler (POST, PATCH) with the
// Idempotency-Key protocol. Requests without the header pass through.
// The fingerprint covers method, path and body, so a key reused for any
// other request is refused with 422 instead of silently replaying.
func (a *API) idempotent(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		vals := r.Header.Values(KeyHeader)
		if len(vals) == 0 {
			next(w, r)
			return
		}
		if len(vals) > 1 {
			writeProblem(w, r, newProblem(http.StatusBadRequest, "bad-idempotency-key", "Bad Idempotency-Key", "send one Idempotency-Key field, not several"))
			return
		}
		key, err := ParseKey(vals[0])
		if err != nil {
			writeProblem(w, r, newProblem(http.StatusBadRequest, "bad-idempotency-key", "Bad Idempotency-Key", err.Error()))
			return
		}
		mediaType, body, ok := a.jsonBody(w, r)
		if !ok {
			return
		}
		h := sha256.New()
		fmt.Fprintf(h, "%s %s\n%s\n", r.Method, r.URL.Path, mediaType)
		h.Write(body)
		var fp [32]byte
		h.Sum(fp[:0])

		state, resp := a.keys.begin(key, fp)
		switch state {
		case keyMismatch:
			writeProblem(w, r, newProblem(http.StatusUnprocessableEntity, "idempotency-key-reused", "Idempotency-Key reused for another request",
				"this key was first used with a different request payload; use a new key for a new request"))
			return
		case keyBusy:
			w.Header().Set("Retry-After", "1")
			writeProblem(w, r, newProblem(http.StatusConflict, "idempotency-key-in-progress", "A request with this Idempotency-Key is still being processed",
				"retry after the first request has finished; it will then be replayed"))
			return
		case keyFull:
			w.Header().Set("Retry-After", "1")
			writeProblem(w, r, newProblem(http.StatusServiceUnavailable, "", "", "too many idempotency keys in flight"))
			return
		case keyReplay:
			for k, v := range resp.header {
				w.Header()[k] = slices.Clone(v) // the stored copy is shared by every replay
			}
			w.Header().Set(ReplayedHeader, "true")
			w.WriteHeader(resp.status)
			w.Write(resp.body)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		completed := false
		defer func() {
			if !completed || rec.status >= 500 {
				a.keys.release(key)
			}
		}()
		next(rec, r)
		completed = true
		if rec.status < 500 {
			a.keys.finish(key, recorded{status: rec.status, header: rec.snapshot, body: rec.buf.Bytes()})
		}
	}
}

// recorder passes a response through and keeps a copy of it.
type recorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	snapshot    http.Header
	buf         bytes.Buffer
}

func (rc *recorder) WriteHeader(code int) {
	if rc.wroteHeader {
		return
	}
	rc.wroteHeader = true
	rc.status = code
	rc.snapshot = rc.Header().Clone()
	rc.snapshot.Del("Date")
	rc.ResponseWriter.WriteHeader(code)
}

func (rc *recorder) Write(b []byte) (int, error) {
	if !rc.wroteHeader {
		rc.WriteHeader(http.StatusOK)
	}
	rc.buf.Write(b)
	return rc.ResponseWriter.Write(b)
}
