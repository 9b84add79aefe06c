package orders_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/netdemo/netdemo/internal/servers/orders"
)

// FuzzCreateOrder sends any body, media type and key to POST /orders
// through the whole handler: the answer is always 201 with an order, or a
// 4xx problem document — never a panic, never a 5xx.
func FuzzCreateOrder(f *testing.F) {
	for _, s := range []string{`{"item":"book","qty":1}`, `{"item":`, `{"item":"a","qty":1}{}`, `[]`, `{"qty":"1"}`, "\xff", ``} {
		f.Add([]byte(s), "application/json", "")
	}
	f.Add([]byte(`{"item":"book","qty":1}`), "text/plain", "k1")
	f.Add([]byte(`{"item":"book","qty":1}`), "application/vnd.x+json; charset=utf-8", `"k\"1"`)
	api := orders.New(orders.Config{MaxBodyBytes: 4096})
	f.Fuzz(func(t *testing.T, body []byte, ctype, key string) {
		req := httptest.NewRequest("POST", "/orders", bytes.NewReader(body))
		if ctype != "" && !strings.ContainsAny(ctype, "\r\n") {
			req.Header.Set("Content-Type", ctype)
		}
		if key != "" && !strings.ContainsAny(key, "\r\n") {
			req.Header.Set(orders.KeyHeader, key)
		}
		w := httptest.NewRecorder()
		api.ServeHTTP(w, req)
		switch {
		case w.Code == http.StatusCreated:
			var o orders.Order
			if err := json.Unmarshal(w.Body.Bytes(), &o); err != nil || o.ID == "" || o.Qty < 1 || o.Qty > orders.MaxQty {
				t.Fatalf("201 with body %q", w.Body.String())
			}
		case w.Code >= 400 && w.Code < 500:
			var p orders.Problem
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Status != w.Code {
				t.Fatalf("%d with body %q, want a problem document", w.Code, w.Body.String())
			}
		default:
			t.Fatalf("status %d for body %q", w.Code, body)
		}
	})
}

// FuzzParsePatch: either a patch that keeps an order valid, or an error.
func FuzzParsePatch(f *testing.F) {
	for _, s := range []string{`{"op":"increment"}`, `{"op":"increment","by":3}`, `{"qty":5}`, `{"item":null}`, `{"item":"x","qty":0}`} {
		f.Add("application/json", []byte(s))
		f.Add("application/merge-patch+json", []byte(s))
	}
	f.Fuzz(func(t *testing.T, mt string, b []byte) {
		p, err := orders.ParsePatch(mt, b)
		if err != nil {
			return
		}
		o := orders.Order{ID: "1", Item: "x", Qty: 1}
		if err := p.Apply(&o); err != nil {
			return
		}
		if o.Qty < 1 || o.Qty > orders.MaxQty || o.Item == "" {
			t.Fatalf("patch %q made an invalid order %+v", b, o)
		}
	})
}

// FuzzParseKey: an accepted key is 1 to MaxKeyLen printable ASCII bytes.
func FuzzParseKey(f *testing.F) {
	for _, s := range []string{"k1", `"k1"`, `"a\"b"`, `"`, `"a\`, " x ", "a b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		k, err := orders.ParseKey(v)
		if err != nil {
			return
		}
		if k == "" || len(k) > orders.MaxKeyLen || !utf8.ValidString(k) {
			t.Fatalf("ParseKey(%q) = %q", v, k)
		}
		for _, c := range []byte(k) {
			if c < 0x20 || c > 0x7e {
				t.Fatalf("ParseKey(%q) = %q has byte %#x", v, k, c)
			}
		}
	})
}

// FuzzNoneMatch: never panics, and a tag always matches itself in a list.
func FuzzNoneMatch(f *testing.F) {
	for _, s := range []string{`"a"`, `W/"a", "b"`, `*`, `,,`, `"a`} {
		f.Add(s, []byte("body"))
	}
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		etag := orders.ETagOf(body)
		orders.NoneMatch(header, etag)
		if !orders.NoneMatch(`"x", `+etag, etag) || !orders.NoneMatch("W/"+etag, etag) {
			t.Fatalf("%s does not match itself", etag)
		}
	})
}

// FuzzParseOrderInput is the JSON body decoder on any bytes: it never
// panics, and what it accepts is valid UTF-8 JSON whose item is plain text,
// with no name twice in an object, and that reads back the same after a
// round trip.
func FuzzParseOrderInput(f *testing.F) {
	for _, s := range []string{`{"item":"book","qty":1}`, `{"item":"a","qty":1,"qty":2}`, `{"item":"a","ITEM":"b","qty":1}`,
		`{"item":"\u202e","qty":1}`, "{\"item\":\"\xff\",\"qty\":1}", `null`, `{"item":"x","qty":1,"extra":{"a":1,"a":2}}`,
		`[{"a":1},{"a":1}]`, `{"item":"\u212a","qty":1}`, ` {"qty":3, "item":"k"} `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := orders.ParseOrderInput(b)
		if err != nil {
			return
		}
		if !utf8.Valid(b) || !json.Valid(b) {
			t.Fatalf("accepted %q, which is not valid UTF-8 JSON", b)
		}
		var names map[string]json.RawMessage
		if err := json.Unmarshal(b, &names); err != nil || len(names) != 2 {
			t.Fatalf("accepted %q: names %v (%v), want exactly item and qty", b, names, err)
		}
		if strings.ContainsFunc(in.Item, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) {
			t.Fatalf("accepted item %q with a control or format character", in.Item)
		}
		out, _ := json.Marshal(in)
		again, err := orders.ParseOrderInput(out)
		if err != nil || again != in {
			t.Fatalf("round trip of %+v: %+v, %v", in, again, err)
		}
	})
}
