package orders_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/servers/orders"
)

func TestIdempotencyKeyReplay(t *testing.T) {
	api, base := newServer(t, orders.Config{})
	body := `{"item":"book","qty":1}`
	first := send(t, "POST", base+"/orders", body, "Idempotency-Key", "k1")
	second := send(t, "POST", base+"/orders", body, "Idempotency-Key", `"k1"`) // the draft's quoted form: the same key
	if first.status != 201 || second.status != 201 {
		t.Fatalf("statuses %d, %d; want 201, 201", first.status, second.status)
	}
	if first.header.Get(orders.ReplayedHeader) != "" || second.header.Get(orders.ReplayedHeader) != "true" {
		t.Errorf("%s: first %q second %q, want unset then true", orders.ReplayedHeader, first.header.Get(orders.ReplayedHeader), second.header.Get(orders.ReplayedHeader))
	}
	if first.body != second.body || first.header.Get("Location") != second.header.Get("Location") {
		t.Errorf("replay differs: %q %q vs %q %q", first.header.Get("Location"), first.body, second.header.Get("Location"), second.body)
	}
	if n := count(t, api); n != 1 {
		t.Errorf("orders = %d, want 1", n)
	}
	mismatch := send(t, "POST", base+"/orders", `{"item":"book","qty":2}`, "Idempotency-Key", "k1")
	if mismatch.status != http.StatusUnprocessableEntity {
		t.Errorf("same key, other payload = %d, want 422", mismatch.status)
	}
	problemOf(t, mismatch)
	otherPath := send(t, "PATCH", base+"/orders/1", `{"op":"increment"}`, "Idempotency-Key", "k1")
	if otherPath.status != http.StatusUnprocessableEntity {
		t.Errorf("same key on another endpoint = %d, want 422", otherPath.status)
	}
	if r := send(t, "POST", base+"/orders", body, "Idempotency-Key", "k 1"); r.status != 400 {
		t.Errorf("key with a space = %d, want 400", r.status)
	}
	// A request that failed validation is remembered too: a retry gets the same 400.
	bad1 := send(t, "POST", base+"/orders", `{"item":""}`, "Idempotency-Key", "k2")
	bad2 := send(t, "POST", base+"/orders", `{"item":""}`, "Idempotency-Key", "k2")
	if bad1.status != 400 || bad2.status != 400 || bad2.header.Get(orders.ReplayedHeader) != "true" {
		t.Errorf("invalid body with a key: %d then %d (replayed %q), want 400 twice, the second replayed", bad1.status, bad2.status, bad2.header.Get(orders.ReplayedHeader))
	}
}

func TestIdempotencyKeyPatch(t *testing.T) {
	api, base := newServer(t, orders.Config{})
	send(t, "POST", base+"/orders", `{"item":"cup","qty":1}`)
	for i := 0; i < 3; i++ {
		send(t, "PATCH", base+"/orders/1", `{"op":"increment"}`, "Idempotency-Key", "inc-1")
	}
	if o, _, _ := api.Store().Get(t.Context(), "1"); o.Qty != 2 {
		t.Errorf("qty after 3 increments with one key = %d, want 2", o.Qty)
	}
}

// TestIdempotencyKeyInFlight holds the first request on the server and
// checks that a retry meanwhile gets 409, then a replay.
func TestIdempotencyKeyInFlight(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	var once, releaseOnce sync.Once
	api, base := newServer(t, orders.Config{BeforeCreate: func(*http.Request) {
		once.Do(func() { close(started) })
		<-release
	}})
	// If the test fails while the first request is held, let it go: the
	// server's Close (a cleanup) waits for every request in flight.
	unblock := func() { releaseOnce.Do(func() { close(release) }) }
	defer unblock()
	body := `{"item":"slow","qty":1}`
	done := make(chan response, 1)
	go func() {
		r, err := trySend("POST", base+"/orders", body, "Idempotency-Key", "slow")
		if err != nil {
			r.body = err.Error()
		}
		done <- r
	}()
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("the first request never reached BeforeCreate")
	}
	busy := send(t, "POST", base+"/orders", body, "Idempotency-Key", "slow")
	unblock()
	first := <-done
	if busy.status != http.StatusConflict {
		t.Errorf("retry while the first is running = %d, want 409", busy.status)
	}
	problemOf(t, busy)
	if first.status != 201 {
		t.Errorf("first = %d, want 201", first.status)
	}
	if r := send(t, "POST", base+"/orders", body, "Idempotency-Key", "slow"); r.header.Get(orders.ReplayedHeader) != "true" {
		t.Errorf("retry after the first finished: %d replayed %q, want a replay", r.status, r.header.Get(orders.ReplayedHeader))
	}
	if n := count(t, api); n != 1 {
		t.Errorf("orders = %d, want 1", n)
	}
}

// TestIdempotencyKeyConcurrent fires many requests with one key at once:
// exactly one order, and every answer is the created order, a replay of it,
// or 409.
func TestIdempotencyKeyConcurrent(t *testing.T) {
	api, base := newServer(t, orders.Config{})
	const n = 16
	var wg sync.WaitGroup
	res := make([]response, n)
	for i := range res {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := trySend("POST", base+"/orders", `{"item":"race","qty":1}`, "Idempotency-Key", "same")
			if err != nil {
				r.body = err.Error()
			}
			res[i] = r
		}()
	}
	wg.Wait()
	created := 0
	for i, r := range res {
		switch {
		case r.status == 201 && r.header.Get(orders.ReplayedHeader) == "":
			created++
		case r.status == 201, r.status == 409:
		default:
			t.Errorf("request %d: %d %q, want 201 or 409", i, r.status, r.body)
		}
	}
	if created != 1 || count(t, api) != 1 {
		t.Errorf("created %d (store %d), want exactly 1", created, count(t, api))
	}
}

// TestKeyStoreFullRefusesNewKeys: a full store refuses a new key with 503
// and Retry-After (until the first key expires) instead of forgetting an
// unexpired key; a retry with the oldest key is still replayed, and once
// the lifetime has passed the key is gone and room is made.
func TestKeyStoreFullRefusesNewKeys(t *testing.T) {
	for _, kind := range []string{"memory", "db"} {
		t.Run(kind, func(t *testing.T) {
			now := time.Unix(1000, 0)
			var mu sync.Mutex
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			cfg := orders.Config{KeyTTL: time.Minute, MaxKeys: 2, Now: clock}
			if kind == "db" {
				cfg.DB = openDB(t, t.TempDir())
			}
			api, base := newServer(t, cfg)
			body := `{"item":"a","qty":1}`
			send(t, "POST", base+"/orders", body, "Idempotency-Key", "a")
			mu.Lock()
			now = now.Add(10 * time.Second)
			mu.Unlock()
			send(t, "POST", base+"/orders", body, "Idempotency-Key", "b")
			full := send(t, "POST", base+"/orders", body, "Idempotency-Key", "c")
			if full.status != http.StatusServiceUnavailable || full.header.Get("Retry-After") != "50" {
				t.Errorf("third key into a store of 2: %d Retry-After %q, want 503 and 50 (s until key a expires)", full.status, full.header.Get("Retry-After"))
			}
			problemOf(t, full)
			if r := send(t, "POST", base+"/orders", body, "Idempotency-Key", "a"); r.header.Get(orders.ReplayedHeader) != "true" {
				t.Errorf("retry with the oldest key while full: %d replayed %q, want a replay (never forget an unexpired key)", r.status, r.header.Get(orders.ReplayedHeader))
			}
			if r := send(t, "POST", base+"/orders", body); r.status != 201 {
				t.Errorf("a POST without a key while the key store is full = %d, want 201", r.status)
			}
			if n := api.Keys().Len(); n != 2 {
				t.Errorf("keys held = %d, want 2", n)
			}
			mu.Lock()
			now = now.Add(time.Minute)
			mu.Unlock()
			if r := send(t, "POST", base+"/orders", body, "Idempotency-Key", "a"); r.status != 201 || r.header.Get(orders.ReplayedHeader) != "" {
				t.Errorf("key reused after its lifetime: %d replayed %q, want a new order", r.status, r.header.Get(orders.ReplayedHeader))
			}
			if r := send(t, "POST", base+"/orders", body, "Idempotency-Key", "c"); r.status != 201 {
				t.Errorf("a new key after the old ones expired = %d, want 201", r.status)
			}
			if n := count(t, api); n != 5 {
				t.Errorf("orders = %d, want 5", n)
			}
		})
	}
}

func TestParseKey(t *testing.T) {
	long := make([]byte, orders.MaxKeyLen+1)
	for i := range long {
		long[i] = 'k'
	}
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"k1", "k1", true},
		{" k1 ", "k1", true},
		{`"8e03978e-40d5-43e8-bc93-6894a57f9324"`, "8e03978e-40d5-43e8-bc93-6894a57f9324", true},
		{`"a \"quoted\" key"`, `a "quoted" key`, true},
		{`"a\\b"`, `a\b`, true},
		{`""`, "", false},
		{``, "", false},
		{`"open`, "", false},
		{`"a"b`, "", false},
		{`"bad\x"`, "", false},
		{"a b", "", false},
		{"a,b", "", false},
		{"ключ", "", false},
		{string(long), "", false},
		{string(long[:orders.MaxKeyLen]), string(long[:orders.MaxKeyLen]), true},
	}
	for _, tc := range tests {
		got, err := orders.ParseKey(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseKey(%q) = %q, %v; want %q, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
