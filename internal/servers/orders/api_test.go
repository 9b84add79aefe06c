package orders_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/netdemo/netdemo/internal/servers/orders"
)

func TestRoutesAndErrors(t *testing.T) {
	_, base := newServer(t, orders.Config{MaxBodyBytes: 1024, MaxURIBytes: 512})
	if r := send(t, "POST", base+"/orders", `{"item":"book","qty":1}`); r.status != 201 || r.header.Get("Location") != "/orders/1" {
		t.Fatalf("first POST = %d Location %q, want 201 /orders/1", r.status, r.header.Get("Location"))
	}
	tests := []struct {
		desc, method, path, body string
		hdr                      []string
		want                     int
		problem                  bool
		inBody                   string // substring of the body
	}{
		{"get existing", "GET", "/orders/1", "", nil, 200, false, `"item":"book"`},
		{"get missing", "GET", "/orders/9", "", nil, 404, true, "no order"},
		{"head", "HEAD", "/orders/1", "", nil, 200, false, ""},
		{"list filtered", "GET", "/orders?item=book", "", nil, 200, false, `"id":"1"`},
		{"list filtered empty", "GET", "/orders?item=none", "", nil, 200, false, "[]"},
		{"malformed json", "POST", "/orders", `{"item":`, nil, 400, true, "malformed JSON"},
		{"wrong type", "POST", "/orders", `{"item":"a","qty":"one"}`, nil, 400, true, `"qty" must be an integer`},
		{"unknown field", "POST", "/orders", `{"item":"a","qty":1,"price":3}`, nil, 400, true, "unknown field"},
		{"missing field", "POST", "/orders", `{"item":"a"}`, nil, 400, true, "required"},
		{"trailing data", "POST", "/orders", `{"item":"a","qty":1} {}`, nil, 400, true, "after the JSON"},
		{"qty out of range", "POST", "/orders", `{"item":"a","qty":0}`, nil, 400, true, "between 1 and"},
		{"empty body", "POST", "/orders", "", nil, 400, true, "empty"},
		{"duplicate key", "POST", "/orders", `{"item":"a","qty":1,"qty":900}`, nil, 400, true, `duplicate key "qty"`},
		{"duplicate key, escaped", "POST", "/orders", `{"item":"a","\u0069tem":"b","qty":1}`, nil, 400, true, `duplicate key "item"`},
		{"keys differing in case", "POST", "/orders", `{"item":"a","ITEM":"b","qty":1}`, nil, 400, true, "differ only in case"},
		{"invalid utf-8", "POST", "/orders", "{\"item\":\"a\xff\",\"qty\":1}", nil, 400, true, "not valid UTF-8 (first bad byte at offset 10)"},
		{"bidi override", "POST", "/orders", `{"item":"abc\u202Etxt.exe","qty":1}`, nil, 400, true, "bidirectional control character U+202E"},
		{"zero width", "POST", "/orders", `{"item":"a\u200Bb","qty":1}`, nil, 400, true, "format character U+200B"},
		{"escape character", "POST", "/orders", `{"item":"a\u001b[31m","qty":1}`, nil, 400, true, "control character U+001B"},
		{"nested too deep", "POST", "/orders", `{"item":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `,"qty":1}`, nil, 400, true, "nested more than 32 levels"},
		{"null body", "POST", "/orders", `null`, nil, 400, true, "null"},
		{"no content type", "POST", "/orders", `{"item":"a","qty":1}`, []string{"Content-Type", ""}, 415, true, "no Content-Type"},
		{"too large", "POST", "/orders", `{"item":"` + strings.Repeat("x", 2000) + `","qty":1}`, nil, 413, true, "limit is 1024"},
		{"form encoded", "POST", "/orders", `{"item":"a","qty":1}`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, true, "application/json"},
		{"unknown path", "GET", "/nope", "", nil, 404, true, "no such resource"},
		{"method not allowed on collection", "DELETE", "/orders", "", nil, 405, true, "allowed: GET, HEAD, POST"},
		{"method not allowed on item", "POST", "/orders/1", "", nil, 405, true, "DELETE, GET, HEAD, PATCH, PUT"},
		{"uri too long", "GET", "/orders?item=" + strings.Repeat("z", 600), "", nil, 414, true, "at most 512"},
		{"bad id", "GET", "/orders/a.b", "", nil, 400, true, "order id"},
		{"put creates", "PUT", "/orders/k7", `{"item":"lamp","qty":2}`, nil, 201, false, `"id":"k7"`},
		{"put replaces", "PUT", "/orders/k7", `{"item":"lamp","qty":3}`, nil, 200, false, `"qty":3`},
		{"patch increment", "PATCH", "/orders/k7", `{"op":"increment"}`, nil, 200, false, `"qty":4`},
		{"patch increment by", "PATCH", "/orders/k7", `{"op":"increment","by":2}`, nil, 200, false, `"qty":6`},
		{"patch merge", "PATCH", "/orders/k7", `{"qty":5}`, []string{"Content-Type", "application/merge-patch+json"}, 200, false, `"qty":5`},
		{"patch merge of null", "PATCH", "/orders/k7", `null`, []string{"Content-Type", "application/merge-patch+json"}, 400, true, "RFC 7396"},
		{"patch merge duplicate", "PATCH", "/orders/k7", `{"qty":5,"qty":6}`, []string{"Content-Type", "application/merge-patch+json"}, 400, true, `duplicate key "qty"`},
		{"patch merge null", "PATCH", "/orders/k7", `{"qty":null}`, []string{"Content-Type", "application/merge-patch+json"}, 400, true, "cannot be removed"},
		{"patch bad op", "PATCH", "/orders/k7", `{"op":"double"}`, nil, 400, true, `"op" must be`},
		{"patch over limit", "PATCH", "/orders/k7", `{"op":"increment","by":1000}`, nil, 422, true, "above the limit"},
		{"patch missing", "PATCH", "/orders/zz", `{"op":"increment"}`, nil, 404, true, "no order"},
		{"delete", "DELETE", "/orders/k7", "", nil, 204, false, ""},
		{"delete again", "DELETE", "/orders/k7", "", nil, 404, true, "any more"},
	}
	for _, tc := range tests {
		r := send(t, tc.method, base+tc.path, tc.body, tc.hdr...)
		if r.status != tc.want {
			t.Errorf("%s: %s %s = %d, want %d (body %q)", tc.desc, tc.method, tc.path, r.status, tc.want, r.body)
			continue
		}
		text := r.body
		if tc.problem {
			text = problemOf(t, r).Detail
		}
		if !strings.Contains(text, tc.inBody) {
			t.Errorf("%s: body (or problem detail) %q, want it to contain %q", tc.desc, text, tc.inBody)
		}
		if tc.want == 405 && r.header.Get("Allow") == "" {
			t.Errorf("%s: 405 without an Allow header", tc.desc)
		}
		if tc.method == "HEAD" && (r.body != "" || r.header.Get("Content-Length") == "0") {
			t.Errorf("%s: HEAD body %q, Content-Length %q; want no body and GET's length", tc.desc, r.body, r.header.Get("Content-Length"))
		}
	}
}

func TestConditionalGet(t *testing.T) {
	api, base := newServer(t, orders.Config{})
	send(t, "POST", base+"/orders", `{"item":"book","qty":1}`)
	first := send(t, "GET", base+"/orders/1", "")
	etag := first.header.Get("ETag")
	if etag == "" {
		t.Fatal("GET has no ETag")
	}
	for _, tc := range []struct {
		desc, inm string
		want      int
	}{
		{"same tag", etag, 304},
		{"weak form of it", "W/" + etag, 304},
		{"in a list", `"other", ` + etag, 304},
		{"star", "*", 304},
		{"other tag", `"other"`, 200},
		{"garbage", `nonsense`, 200},
	} {
		r := send(t, "GET", base+"/orders/1", "", "If-None-Match", tc.inm)
		if r.status != tc.want {
			t.Errorf("%s: If-None-Match %s = %d, want %d", tc.desc, tc.inm, r.status, tc.want)
		}
		if tc.want == 304 && r.body != "" {
			t.Errorf("%s: 304 with body %q", tc.desc, r.body)
		}
	}
	api.Store().Put(t.Context(), orders.Order{ID: "1", Item: "book", Qty: 2})
	if r := send(t, "GET", base+"/orders/1", "", "If-None-Match", etag); r.status != 200 {
		t.Errorf("after a change, If-None-Match with the old tag = %d, want 200", r.status)
	}
	post := send(t, "POST", base+"/orders", `{"item":"pen","qty":1}`)
	if post.header.Get("Cache-Control") != "no-store" || post.header.Get("ETag") != "" {
		t.Errorf("POST response Cache-Control %q ETag %q, want no-store and no ETag", post.header.Get("Cache-Control"), post.header.Get("ETag"))
	}
}

func TestAccessLogHasQueryNotBody(t *testing.T) {
	var lines []string
	done := make(chan struct{}, 8)
	_, base := newServer(t, orders.Config{AccessLog: func(l string) { lines = append(lines, l); done <- struct{}{} }})
	send(t, "GET", base+"/orders?item=book&token=s3cr3t", "")
	<-done
	send(t, "POST", base+"/orders", `{"item":"secret-item","qty":1}`)
	<-done
	if len(lines) != 2 {
		t.Fatalf("log lines = %q, want 2", lines)
	}
	if !strings.Contains(lines[0], `"GET /orders?item=book&token=s3cr3t HTTP/1.1" 200`) {
		t.Errorf("GET log line %q, want the full request target and 200", lines[0])
	}
	if strings.Contains(lines[1], "secret-item") || !strings.Contains(lines[1], `"POST /orders HTTP/1.1" 201`) {
		t.Errorf("POST log line %q, want the request line and 201 but not the body", lines[1])
	}
}

func TestListOrder(t *testing.T) {
	api, base := newServer(t, orders.Config{})
	for _, id := range []string{"b", "10", "2", "a"} {
		api.Store().Put(t.Context(), orders.Order{ID: id, Item: "x", Qty: 1})
	}
	var got []orders.Order
	if err := json.Unmarshal([]byte(send(t, "GET", base+"/orders", "").body), &got); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, o := range got {
		ids = append(ids, o.ID)
	}
	if strings.Join(ids, ",") != "2,10,a,b" {
		t.Errorf("list order = %v, want numeric ids first by value, then names", ids)
	}
}

func TestPostSkipsIDsTakenByPut(t *testing.T) {
	api, base := newServer(t, orders.Config{})
	api.Store().Put(t.Context(), orders.Order{ID: "1", Item: "x", Qty: 1})
	r := send(t, "POST", base+"/orders", `{"item":"y","qty":1}`)
	if r.header.Get("Location") != "/orders/2" {
		t.Errorf("POST after PUT /orders/1: Location %q, want /orders/2", r.header.Get("Location"))
	}
}
