package httptcp

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestFindMessages(t *testing.T) {
	r1 := "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
	r2 := "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
	r3 := "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
	tests := []struct {
		desc   string
		stream string
		want   []message
	}{
		{"one response", r1, []message{{0, 38, 43, 200, 5}}},
		{"two responses glued together", r1 + r2, []message{{0, 38, 43, 200, 5}, {43, 43 + len(r2), 43 + len(r2), 404, 0}}},
		{"chunked body ends at the 0 chunk", r3 + r1, []message{{0, 47, len(r3), 200, 3}, {len(r3), len(r3) + 38, len(r3) + 43, 200, 5}}},
	}
	for _, tt := range tests {
		got, err := findMessages([]byte(tt.stream))
		if err != nil {
			t.Errorf("%s: findMessages error %v", tt.desc, err)
			continue
		}
		if len(got) != len(tt.want) {
			t.Errorf("%s: %d messages %+v, want %+v", tt.desc, len(got), got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: message %d = %+v, want %+v", tt.desc, i+1, got[i], tt.want[i])
			}
		}
	}
	if _, err := findMessages([]byte("SSH-2.0-OpenSSH\r\n")); err == nil {
		t.Errorf("findMessages(not HTTP) = no error, want one")
	}
}

func TestSplits(t *testing.T) {
	r1 := "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
	stream := []byte(r1 + r1)
	msgs, err := findMessages(stream)
	if err != nil {
		t.Fatal(err)
	}
	// Reads of 40 and 46 bytes: the first holds the end of the headers
	// (byte 38), the second the end of response 1 (byte 43) and all of 2.
	ex := &rawExchange{Stream: stream, Messages: msgs, Reads: []read{{Off: 0, Data: stream[:40]}, {Off: 40, Data: stream[40:]}}}
	inside, aligned := ex.splits()
	if inside != 2 || aligned != 1 {
		t.Errorf("splits() = %d inside, %d aligned; want 2 reads with a boundary inside, 1 message end on a read end", inside, aligned)
	}
	if b := ex.boundariesIn(ex.Reads[1]); len(b) != 2 || b[0].At != 3 || b[0].HeaderEnd || !b[1].HeaderEnd {
		t.Errorf("boundariesIn(read 2) = %+v, want response 1's end at 3, then response 2's header end", b)
	}
}

func TestHandler(t *testing.T) {
	h := handler()
	for _, tt := range []struct {
		path   string
		status int
		body   string
	}{
		{"/", 200, "hello from netdemo: this answer travelled as HTTP/1.1"},
		{"/bytes/0", 200, ""},
		{"/bytes/14", 200, "line 0001 of t"},
		{"/bytes/-1", 400, "/bytes/N wants N"},
		{"/bytes/11000000", 400, "/bytes/N wants N"},
		{"/nothing", 404, "404"},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
		if rec.Code != tt.status || !strings.HasPrefix(rec.Body.String(), tt.body) {
			t.Errorf("GET %s = %d %q, want %d starting with %q", tt.path, rec.Code, rec.Body.String(), tt.status, tt.body)
		}
	}
	if n := len(filler(20000)); n != 20000 {
		t.Errorf("len(filler(20000)) = %d", n)
	}
}
