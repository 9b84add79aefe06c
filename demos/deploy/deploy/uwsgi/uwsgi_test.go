package uwsgi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netdemo/netdemo/demos/deploy/deploy/cgiwire"
)

func TestHeaderBytes(t *testing.T) {
	pkt, err := EncodeVars([]cgiwire.Var{{Name: "REQUEST_METHOD", Value: "GET"}, {Name: "PATH_INFO", Value: "/x"}})
	if err != nil {
		t.Fatal(err)
	}
	// 2+14+2+3 + 2+9+2+2 = 36 bytes of vars: 0x24 0x00 little-endian.
	if got, want := pkt[:4], []byte{0, 0x24, 0, 0}; !bytes.Equal(got, want) {
		t.Errorf("header % x, want % x", got, want)
	}
	h, vars, err := ReadPacket(bytes.NewReader(pkt))
	if err != nil || h.Size != 36 || len(vars) != 2 || vars[1].Value != "/x" {
		t.Errorf("ReadPacket = %+v %v %v", h, vars, err)
	}
}

func TestTooBigIsRefused(t *testing.T) {
	_, err := EncodeVars([]cgiwire.Var{{Name: "HTTP_COOKIE", Value: strings.Repeat("c", 40000)}, {Name: "HTTP_X", Value: strings.Repeat("x", 30000)}})
	if !errors.Is(err, ErrTooBig) || !strings.Contains(err.Error(), "65,535") {
		t.Fatalf("EncodeVars of 70,000 bytes: error = %v, want ErrTooBig naming the limit", err)
	}
	if _, err := EncodeVars([]cgiwire.Var{{Name: "HTTP_COOKIE", Value: strings.Repeat("c", 65535-4-11)}}); err != nil {
		t.Errorf("EncodeVars of exactly 65,535 bytes: %v", err)
	}
}

func TestBadPackets(t *testing.T) {
	good, _ := EncodeVars([]cgiwire.Var{{Name: "REQUEST_METHOD", Value: "GET"}})
	for _, tc := range []struct {
		desc, want string
		in         []byte
	}{
		{"garbage", "modifier1 is 71", []byte("GET / HTTP/1.1\r\n\r\n")},
		{"short header", "got 2 of the 4 header bytes", good[:2]},
		{"cut vars", "announced 21 bytes of vars, got 5", good[:9]},
		{"lengths do not add up", "announces 9 bytes, only 1 left", []byte{0, 6, 0, 0, 1, 0, 'A', 9, 0, 'x'}},
	} {
		_, _, err := ReadPacket(bytes.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: ReadPacket error = %v, want it to say %q", tc.desc, err, tc.want)
		}
	}
	if _, err := ParseVars([]byte{1, 0, 'A', 9, 0, 'x'}); err == nil || !strings.Contains(err.Error(), "announces 9 bytes, only 1 left") {
		t.Errorf("ParseVars with a long value length: %v", err)
	}
}

func listen(t *testing.T) (net.Listener, string) {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "uwsgi.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, sock
}

func TestTransportAndServer(t *testing.T) {
	l, sock := listen(t)
	var logged []error
	srv := &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Path", r.URL.Path)
		w.Header().Set("X-Host", r.Host)
		w.WriteHeader(http.StatusCreated)
		w.Write(append([]byte("got "), b...))
	}), ErrorLog: func(err error) { logged = append(logged, err) }}
	done := make(chan struct{})
	go func() { srv.Serve(l); close(done) }()
	rt := &Transport{Dial: func(ctx context.Context) (net.Conn, error) { return (&net.Dialer{}).DialContext(ctx, "unix", sock) }}
	resp, err := rt.RoundTrip(httptest.NewRequest("POST", "http://app.test/p?q=1", strings.NewReader("body")))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 || string(b) != "got body" || resp.Header.Get("X-Path") != "/p" || resp.Header.Get("X-Host") != "app.test" {
		t.Errorf("got %d %q %v", resp.StatusCode, b, resp.Header)
	}
	// Garbage from a client: the server logs one clear error and goes on.
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
	io.ReadAll(c)
	c.Close()
	l.Close()
	<-done
	if len(logged) != 1 || !strings.Contains(logged[0].Error(), "modifier1") {
		t.Errorf("server logged %v, want one modifier1 error", logged)
	}
}

// TestServerClosesMidResponse: a peer that answers with half a status
// line and hangs up gives an error, not a response.
func TestServerClosesMidResponse(t *testing.T) {
	l, sock := listen(t)
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		ReadPacket(c)
		c.Write([]byte("HTTP/1.1 2"))
		c.Close()
	}()
	rt := &Transport{Dial: func(ctx context.Context) (net.Conn, error) { return net.Dial("unix", sock) }}
	_, err := rt.RoundTrip(httptest.NewRequest("GET", "/", nil))
	if err == nil || !strings.Contains(err.Error(), "reading the application server's response") {
		t.Fatalf("RoundTrip error = %v, want one about the response", err)
	}
}

func FuzzReadPacket(f *testing.F) {
	good, _ := EncodeVars([]cgiwire.Var{{Name: "REQUEST_METHOD", Value: "GET"}, {Name: "HTTP_HOST", Value: "x"}})
	f.Add(good)
	f.Add([]byte{0, 0xff, 0xff, 0})
	f.Add([]byte("GET / HTTP/1.1\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, vars, err := ReadPacket(bytes.NewReader(b))
		if err != nil {
			return
		}
		again, err := EncodeVars(vars)
		if err != nil {
			t.Fatalf("vars that decoded do not encode: %v", err)
		}
		again[3] = h.Modifier2 // modifier2 is passed through, not checked
		if !bytes.Equal(again, b[:HeaderLen+int(h.Size)]) {
			t.Fatalf("re-encoded packet differs:\n% x\n% x", again, b[:HeaderLen+int(h.Size)])
		}
	})
}
