package orders_test

import (
	"testing"

	"github.com/netdemo/netdemo/internal/servers/orders"
)

func TestNoneMatch(t *testing.T) {
	tests := []struct {
		header, etag string
		want         bool
	}{
		{`"a"`, `"a"`, true},
		{`W/"a"`, `"a"`, true},
		{`"a"`, `W/"a"`, true},
		{`"b", "a"`, `"a"`, true},
		{` , "a" ,`, `"a"`, true},
		{`*`, `"a"`, true},
		{`"b"`, `"a"`, false},
		{``, `"a"`, false},
		{`a`, `"a"`, false},
		{`"a" "b"`, `"a"`, false},
		{`"a`, `"a"`, false},
		{`"a b"`, `"a b"`, false},
	}
	for _, tc := range tests {
		if got := orders.NoneMatch(tc.header, tc.etag); got != tc.want {
			t.Errorf("NoneMatch(%q, %q) = %v, want %v", tc.header, tc.etag, got, tc.want)
		}
	}
}

func TestParseOrderInput(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{`{"item":"book","qty":1}`, true},
		{` {"qty":1000,"item":"b"} `, true},
		{`{"item":"book","qty":1001}`, false},
		{`{"item":"  ","qty":1}`, false},
		{`{"item":"a\u0000b","qty":1}`, false},
		{`{"item":"book","qty":1.5}`, false},
		{`[1]`, false},
		{`null`, false},
		{`{"item":"book","qty":1}garbage`, false},
		{`{"item":"book","qty":1,"item":"pen"}`, false},
		{`{"item":"中文 ok","qty":1}`, true},
		{`{"item":"b\u2066x\u2069","qty":1}`, false},
		{"{\"item\":\"\xc3\",\"qty\":1}", false},
	}
	for _, tc := range tests {
		if _, err := orders.ParseOrderInput([]byte(tc.in)); (err == nil) != tc.ok {
			t.Errorf("ParseOrderInput(%s) error = %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
}

// TestReasonPhrase: the names of RFC 9110 §15, not Go's older ones.
func TestReasonPhrase(t *testing.T) {
	for code, want := range map[int]string{413: "Content Too Large", 414: "URI Too Long", 416: "Range Not Satisfiable", 422: "Unprocessable Content", 404: "Not Found"} {
		if got := orders.ReasonPhrase(code); got != want {
			t.Errorf("ReasonPhrase(%d) = %q, want %q", code, got, want)
		}
	}
}
