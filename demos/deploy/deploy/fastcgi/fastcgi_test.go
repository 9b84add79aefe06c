package fastcgi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/fcgi"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netdemo/netdemo/demos/deploy/deploy/cgiwire"
)

// serve starts a real net/http/fcgi application on a Unix socket.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "fcgi.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go fcgi.Serve(l, h)
	return sock
}

func TestRoundTripThroughNetHTTPFcgi(t *testing.T) {
	sock := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Path", r.URL.Path)
		w.Header().Set("X-Query", r.URL.RawQuery)
		w.Header().Set("X-Remote", r.RemoteAddr)
		w.WriteHeader(http.StatusTeapot)
		w.Write(append([]byte("got "), b...))
	}))
	var sent, recv bytes.Buffer
	rt := &Transport{
		Dial: func(ctx context.Context) (net.Conn, error) { return (&net.Dialer{}).DialContext(ctx, "unix", sock) },
		Tap:  func(c net.Conn) net.Conn { return &teeConn{Conn: c, in: &recv, out: &sent} },
	}
	req := httptest.NewRequest("POST", "http://example.test/a/b?x=1", strings.NewReader("hello"))
	req.RemoteAddr = "192.0.2.7:5555"
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusTeapot || string(body) != "got hello" {
		t.Errorf("got %d %q, want 418 \"got hello\"", resp.StatusCode, body)
	}
	if p, q, ra := resp.Header.Get("X-Path"), resp.Header.Get("X-Query"), resp.Header.Get("X-Remote"); p != "/a/b" || q != "x=1" || ra != "192.0.2.7:5555" {
		t.Errorf("app saw path %q query %q remote %q", p, q, ra)
	}
	out, err := Decode(sent.Bytes())
	if err != nil {
		t.Fatalf("decoding what was sent: %v", err)
	}
	var types []string
	for _, r := range out {
		types = append(types, r.Type.String())
	}
	if got, want := strings.Join(types, " "), "BEGIN_REQUEST PARAMS PARAMS STDIN STDIN"; got != want {
		t.Errorf("sent records %s, want %s", got, want)
	}
	in, err := Decode(recv.Bytes())
	if err != nil {
		t.Fatalf("decoding what came back: %v", err)
	}
	if len(in) < 2 || in[len(in)-1].Type != TypeEndRequest || in[0].Type != TypeStdout {
		t.Errorf("received %v, want STDOUT ... END_REQUEST", in)
	}
}

type teeConn struct {
	net.Conn
	in, out *bytes.Buffer
}

func (c *teeConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.in.Write(p[:n])
	return n, err
}

func (c *teeConn) Write(p []byte) (int, error) {
	c.out.Write(p)
	return c.Conn.Write(p)
}

func TestPairsRoundTrip(t *testing.T) {
	vars := []cgiwire.Var{{Name: "A", Value: "1"}, {Name: strings.Repeat("n", 200), Value: strings.Repeat("v", 70000)}, {Name: "EMPTY", Value: ""}}
	got, err := ParsePairs(AppendPairs(nil, vars))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[1].Name != vars[1].Name || got[1].Value != vars[1].Value || got[2].Name != "EMPTY" {
		t.Errorf("round trip lost pairs: %d pairs", len(got))
	}
}

func TestEncodeSplitsLongStreams(t *testing.T) {
	body := bytes.Repeat([]byte("x"), 70000)
	recs, err := Decode(EncodeRequest(nil, body))
	if err != nil {
		t.Fatal(err)
	}
	var stdin [][]byte
	for _, r := range recs {
		if r.Type == TypeStdin {
			stdin = append(stdin, r.Content)
		}
	}
	if len(stdin) != 3 || len(stdin[0]) != MaxContent || len(stdin[2]) != 0 {
		t.Errorf("STDIN records of %d, want 65535 + 4465 + empty", len(stdin))
	}
}

func TestBadStreams(t *testing.T) {
	good := AppendRecord(nil, TypeStdout, 1, []byte("Status: 200 OK\r\n\r\nhi"))
	for _, tc := range []struct {
		desc, want string
		in         []byte
	}{
		{"garbage", "version byte is 72", []byte("HTTP/1.1 200 OK\r\n\r\n")},
		{"unknown type", "unknown type 99", []byte{1, 99, 0, 1, 0, 0, 0, 0}},
		{"short header", "got 3 of the 8 header bytes", good[:3]},
		{"cut content", "announced", good[:12]},
	} {
		_, _, _, err := ReadResponse(bytes.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: ReadResponse error = %v, want it to say %q", tc.desc, err, tc.want)
		}
	}
	_, _, _, err := ReadResponse(bytes.NewReader(good))
	if !errors.Is(err, ErrTruncated) {
		t.Errorf("stream without END_REQUEST: error = %v, want ErrTruncated", err)
	}
}

// TestPeerClosesMidRecord is a real application server that sends half a
// record and hangs up.
func TestPeerClosesMidRecord(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "bad.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		// Read the whole request first, as an application would: closing
		// with unread bytes would make the kernel send a reset instead.
		for {
			rec, err := ReadRecord(c)
			if err != nil || rec.Type == TypeStdin && len(rec.Content) == 0 {
				break
			}
		}
		rec := AppendRecord(nil, TypeStdout, 1, []byte("Content-Type: text/plain\r\n\r\nhello"))
		c.Write(rec[:len(rec)-6])
		c.Close()
	}()
	rt := &Transport{Dial: func(ctx context.Context) (net.Conn, error) { return net.Dial("unix", sock) }}
	_, err = rt.RoundTrip(httptest.NewRequest("GET", "/", nil))
	if !errors.Is(err, ErrTruncated) {
		t.Fatalf("RoundTrip error = %v, want ErrTruncated", err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(EncodeRequest([]cgiwire.Var{{Name: "REQUEST_METHOD", Value: "GET"}}, []byte("body")))
	f.Add(AppendRecord(nil, TypeEndRequest, 1, EndRequest{}.Bytes()))
	f.Add([]byte{1, 4, 0, 1, 0xff, 0xff, 0xff, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := Decode(b)
		for _, r := range recs {
			if int(r.ContentLength) != len(r.Content) {
				t.Fatalf("record content %d bytes, header says %d", len(r.Content), r.ContentLength)
			}
			if r.Type == TypeParams {
				ParsePairs(r.Content)
			}
			if r.Type == TypeBeginRequest {
				ParseBeginRequest(r.Content)
			}
		}
		if err == nil {
			// A stream that decodes must re-encode to a prefix-free
			// equivalent: the same records in the same order.
			var again []byte
			for _, r := range recs {
				again = AppendRecord(again, r.Type, r.RequestID, r.Content)
			}
			recs2, err := Decode(again)
			if err != nil || len(recs2) != len(recs) {
				t.Fatalf("re-encoded stream: %d records, err %v; want %d", len(recs2), err, len(recs))
			}
		}
	})
}

func FuzzParsePairs(f *testing.F) {
	f.Add(AppendPairs(nil, []cgiwire.Var{{Name: "A", Value: "b"}, {Name: strings.Repeat("k", 130), Value: "v"}}))
	f.Add([]byte{0x80, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		pairs, err := ParsePairs(b)
		if err != nil {
			return
		}
		if again := AppendPairs(nil, pairs); len(again) > len(b) {
			t.Fatalf("re-encoding %d pairs gave %d bytes, more than the %d parsed", len(pairs), len(again), len(b))
		}
	})
}
