package orders_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/netdemo/netdemo/internal/servers/orders"
)

func openDB(t *testing.T, dir string) *orders.DB {
	t.Helper()
	db, err := orders.OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestDBRestart: with a data directory, orders and keys outlive the API
// (and the database handle): a retry with the key after the restart is
// replayed, and the next POST gets a new id, never one used before.
func TestDBRestart(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir)
	_, base := newServer(t, orders.Config{DB: db})
	first := send(t, "POST", base+"/orders", `{"item":"book","qty":1}`, "Idempotency-Key", "k1")
	second := send(t, "POST", base+"/orders", `{"item":"pen","qty":1}`)
	if del := send(t, "DELETE", base+second.header.Get("Location"), ""); del.status != 204 {
		t.Fatalf("DELETE = %d", del.status)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	api2, base2 := newServer(t, orders.Config{DB: openDB(t, dir)})
	again := send(t, "POST", base2+"/orders", `{"item":"book","qty":1}`, "Idempotency-Key", "k1")
	if again.header.Get(orders.ReplayedHeader) != "true" || again.body != first.body {
		t.Errorf("retry after the restart: %d replayed %q body %q, want a replay of %q", again.status, again.header.Get(orders.ReplayedHeader), again.body, first.body)
	}
	third := send(t, "POST", base2+"/orders", `{"item":"cup","qty":1}`)
	if third.header.Get("Location") != "/orders/3" {
		t.Errorf("first POST after the restart: Location %q, want /orders/3 (1 and 2 were used before)", third.header.Get("Location"))
	}
	if r := send(t, "GET", base2+first.header.Get("Location"), ""); r.status != 200 {
		t.Errorf("the order created before the restart: GET = %d, want 200", r.status)
	}
	if n := count(t, api2); n != 2 {
		t.Errorf("orders after the restart = %d, want 2", n)
	}
	if mismatch := send(t, "POST", base2+"/orders", `{"item":"book","qty":2}`, "Idempotency-Key", "k1"); mismatch.status != http.StatusUnprocessableEntity {
		t.Errorf("key reused for another payload after the restart = %d, want 422", mismatch.status)
	}
}

// TestDBRoutes runs the API's routes against the database store.
func TestDBRoutes(t *testing.T) {
	api, base := newServer(t, orders.Config{DB: openDB(t, t.TempDir())})
	for _, id := range []string{"b", "10", "2", "a"} {
		if _, err := api.Store().Put(t.Context(), orders.Order{ID: id, Item: "x", Qty: 1}); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		method, path, body string
		hdr                []string
		want               int
		inBody             string
	}{
		{"POST", "/orders", `{"item":"y","qty":1}`, nil, 201, `"id":"1"`},
		{"POST", "/orders", `{"item":"y","qty":1}`, nil, 201, `"id":"3"`}, // 2 was taken by PUT
		{"GET", "/orders", "", nil, 200, `[{"id":"1","item":"y","qty":1},{"id":"2",`},
		{"PUT", "/orders/10", `{"item":"lamp","qty":2}`, nil, 200, `"qty":2`},
		{"PATCH", "/orders/10", `{"op":"increment","by":3}`, nil, 200, `"qty":5`},
		{"PATCH", "/orders/10", `{"op":"increment","by":1000}`, nil, 422, "above the limit"},
		{"PATCH", "/orders/10", `{"qty":7}`, []string{"Content-Type", "application/merge-patch+json"}, 200, `"qty":7`},
		{"GET", "/orders?item=lamp", "", nil, 200, `[{"id":"10","item":"lamp","qty":7}]`},
		{"DELETE", "/orders/10", "", nil, 204, ""},
		{"DELETE", "/orders/10", "", nil, 404, "any more"},
		{"GET", "/orders/10", "", nil, 404, "no order"},
	}
	for _, s := range steps {
		r := send(t, s.method, base+s.path, s.body, s.hdr...)
		if r.status != s.want || !contains(r.body, s.inBody) {
			t.Errorf("%s %s = %d %q, want %d containing %q", s.method, s.path, r.status, r.body, s.want, s.inBody)
		}
	}
}

// TestDBIdempotencyKeyConcurrent: 200 POSTs with one key at once against
// the database: exactly one order.
func TestDBIdempotencyKeyConcurrent(t *testing.T) {
	api, base := newServer(t, orders.Config{DB: openDB(t, t.TempDir())})
	const n = 200
	tr := &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: 50}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	var wg sync.WaitGroup
	res := make([]response, n)
	for i := range res {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := trySendWith(hc, "POST", base+"/orders", `{"item":"race","qty":1}`, "Idempotency-Key", "same")
			if err != nil {
				r.body = err.Error()
			}
			res[i] = r
		}()
	}
	wg.Wait()
	created, replayed, busy := 0, 0, 0
	for i, r := range res {
		switch {
		case r.status == 201 && r.header.Get(orders.ReplayedHeader) == "":
			created++
		case r.status == 201:
			replayed++
		case r.status == 409:
			busy++
		default:
			t.Errorf("request %d: %d %q, want 201 or 409", i, r.status, r.body)
		}
	}
	if created != 1 || count(t, api) != 1 {
		t.Errorf("created %d (store %d), want exactly 1", created, count(t, api))
	}
	t.Logf("%d created, %d replayed, %d answered 409", created, replayed, busy)
}
