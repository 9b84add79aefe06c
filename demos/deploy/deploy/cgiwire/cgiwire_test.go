package cgiwire

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestFromRequest(t *testing.T) {
	req := httptest.NewRequest("POST", "http://example.test:8080/app/orders/7?x=1", strings.NewReader("a=b"))
	req.RemoteAddr = "192.0.2.9:4242"
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", "198.51.100.1")
	req.Header.Set("Proxy", "http://evil.test") // httpoxy
	m := Map(FromRequest(req, "/app"))
	for k, want := range map[string]string{
		"REQUEST_METHOD": "POST", "SCRIPT_NAME": "/app", "PATH_INFO": "/orders/7", "QUERY_STRING": "x=1",
		"CONTENT_LENGTH": "3", "CONTENT_TYPE": "application/x-www-form-urlencoded", "SERVER_NAME": "example.test",
		"SERVER_PORT": "8080", "REMOTE_ADDR": "192.0.2.9", "REMOTE_PORT": "4242", "HTTP_X_FORWARDED_FOR": "198.51.100.1",
		"HTTP_HOST": "example.test:8080", "SERVER_PROTOCOL": "HTTP/1.1",
	} {
		if m[k] != want {
			t.Errorf("%s = %q, want %q", k, m[k], want)
		}
	}
	if v, ok := m["HTTP_PROXY"]; ok {
		t.Errorf("HTTP_PROXY = %q passed on (httpoxy)", v)
	}
}

func TestParseResponse(t *testing.T) {
	for _, tc := range []struct {
		desc, in string
		code     int
		body     string
		err      string
	}{
		{"status header", "Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\ngone", 404, "gone", ""},
		{"no status", "Content-Type: text/plain\r\n\r\nok", 200, "ok", ""},
		{"redirect", "Location: /x\r\n\r\n", 302, "", ""},
		{"bad status", "Status: abc\r\n\r\n", 0, "", "bad Status"},
		{"no blank line", "Content-Type: text/plain\r\n", 0, "", "ended before the blank line"},
		{"no colon", "Content-Type text/plain\r\n\r\nbody", 0, "", "malformed MIME header"},
	} {
		resp, err := ParseResponse([]byte(tc.in))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want one containing %q", tc.desc, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != tc.code || string(b) != tc.body || resp.Header.Get("Status") != "" {
			t.Errorf("%s: %d %q (Status header %q), want %d %q", tc.desc, resp.StatusCode, b, resp.Header.Get("Status"), tc.code, tc.body)
		}
	}
}

func FuzzParseResponse(f *testing.F) {
	f.Add([]byte("Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nhi"))
	f.Add([]byte("Location: /x\r\n\r\n"))
	f.Add([]byte("Status: 99999\r\n\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		resp, err := ParseResponse(b)
		if err != nil {
			return
		}
		if resp.StatusCode < 100 || resp.StatusCode > 999 {
			t.Fatalf("status %d accepted", resp.StatusCode)
		}
		body, _ := io.ReadAll(resp.Body)
		if int64(len(body)) != resp.ContentLength || len(body) > len(b) {
			t.Fatalf("body %d bytes, ContentLength %d, input %d", len(body), resp.ContentLength, len(b))
		}
	})
}
