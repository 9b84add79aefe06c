package orders

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// KeyStore remembers, per Idempotency-Key, a fingerprint of the first
// request and, once it finished, its response. Two implement it: the
// in-memory store of [NewMemKeyStore] and the database of [OpenDB], which
// writes a key's response in the same transaction as the order it created.
//
// A key is kept for its whole lifetime (Config.KeyTTL). When the store
// holds its maximum of unexpired keys, a new key is refused (503 with
// Retry-After) rather than making room by forgetting a key a client may
// still retry with: forgetting it would turn that retry into a duplicate.
type KeyStore interface {
	// Len is the number of keys held (expired ones not yet swept included).
	Len() int

	// begin checks key and, when it is new, reserves it, atomically: two
	// concurrent requests with one key can never both get keyNew.
	begin(ctx context.Context, key string, fp [32]byte) (keyDecision, error)
	// work returns the context a reserved request runs in and the unit of
	// work that makes its effects and the stored response durable.
	work(ctx context.Context) (context.Context, unit)
	// finish stores the response of a reserved key (inside the unit of
	// work, for a store that has one).
	finish(ctx context.Context, key string, resp recorded) error
	// release forgets a reserved key whose request failed on the server's
	// side (5xx), so that a retry runs again instead of replaying it.
	release(key string)
}

// unit is a unit of work: everything a request changed, made durable
// together or not at all.
type unit interface {
	commit() error
	rollback()
}

// noUnit is the unit of a store without transactions: each change is
// final as soon as it is made.
type noUnit struct{}

func (noUnit) commit() error { return nil }
func (noUnit) rollback()     {}

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
	keyFull                     // the store holds its maximum of unexpired keys: 503
)

type keyDecision struct {
	state      keyState
	resp       recorded      // keyReplay
	retryAfter time.Duration // keyFull: until the first key expires
}

// memKeyStore keeps keys in a map; they are lost with the process.
type memKeyStore struct {
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

// NewMemKeyStore keeps keys in memory for ttl, at most max unexpired ones.
func NewMemKeyStore(ttl time.Duration, max int, now func() time.Time) KeyStore {
	return &memKeyStore{keys: map[string]*keyEntry{}, ttl: ttl, max: max, now: now}
}

func (s *memKeyStore) begin(_ context.Context, key string, fp [32]byte) (keyDecision, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if e, ok := s.keys[key]; ok && now.Before(e.expires) {
		switch {
		case e.fingerprint != fp:
			return keyDecision{state: keyMismatch}, nil
		case !e.done:
			return keyDecision{state: keyBusy}, nil
		}
		return keyDecision{state: keyReplay, resp: e.resp}, nil
	}
	delete(s.keys, key) // expired, if present
	if len(s.keys) >= s.max {
		if first, full := s.sweep(now); full {
			return keyDecision{state: keyFull, retryAfter: first.Sub(now)}, nil
		}
	}
	s.keys[key] = &keyEntry{fingerprint: fp, expires: now.Add(s.ttl)}
	return keyDecision{state: keyNew}, nil
}

// sweep drops expired keys. When the store is still full it reports so,
// with the time the first remaining key expires.
func (s *memKeyStore) sweep(now time.Time) (first time.Time, full bool) {
	for k, e := range s.keys {
		if !now.Before(e.expires) {
			delete(s.keys, k)
		} else if first.IsZero() || e.expires.Before(first) {
			first = e.expires
		}
	}
	return first, len(s.keys) >= s.max
}

func (s *memKeyStore) work(ctx context.Context) (context.Context, unit) { return ctx, noUnit{} }

func (s *memKeyStore) finish(_ context.Context, key string, resp recorded) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.keys[key]; ok {
		e.done, e.resp = true, resp
	}
	return nil
}

func (s *memKeyStore) release(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.keys, key)
}

func (s *memKeyStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.keys)
}
