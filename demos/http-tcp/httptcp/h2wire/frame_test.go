package h2wire_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/netx"

	"golang.org/x/net/http2/hpack"

	"github.com/netdemo/netdemo/demos/http-tcp/httptcp/h2wire"
	"github.com/netdemo/netdemo/internal/wiretap"
)

// frame builds one frame by hand (RFC 9113 §4.1).
func frame(typ, flags uint8, stream uint32, payload []byte) []byte {
	b := []byte{byte(len(payload) >> 16), byte(len(payload) >> 8), byte(len(payload)), typ, flags, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[5:], stream)
	return append(b, payload...)
}

func TestReadFrame(t *testing.T) {
	setting := []byte{0, 3, 0, 0, 0, 100} // MAX_CONCURRENT_STREAMS=100
	tests := []struct {
		desc string
		in   []byte
		want string // Frame.String()
		frag string // header block fragment, if any
	}{
		{"SETTINGS", frame(0x4, 0, 0, setting), "C→S SETTINGS stream=0 len=6 MAX_CONCURRENT_STREAMS=100", ""},
		{"SETTINGS ACK", frame(0x4, 0x1, 0, nil), "C→S SETTINGS stream=0 len=0 ACK", ""},
		{"padded DATA: 1 pad-length byte, 2 data, 2 padding", frame(0x0, 0x8|0x1, 3, []byte{2, 'h', 'i', 0, 0}), "C→S DATA stream=3 len=5 END_STREAM|PADDED 2 data bytes", ""},
		{"HEADERS with PRIORITY: 5 bytes before the fragment", frame(0x1, 0x20|0x4, 1, []byte{0, 0, 0, 0, 15, 0x82}), "C→S HEADERS stream=1 len=6 END_HEADERS|PRIORITY", "\x82"},
		{"WINDOW_UPDATE ignores the reserved bit", frame(0x8, 0, 0, []byte{0x80, 0, 0x10, 0}), "C→S WINDOW_UPDATE stream=0 len=4 +4096", ""},
		{"PING ACK", frame(0x6, 0x1, 0, []byte{1, 2, 3, 4, 5, 6, 7, 8}), "C→S PING stream=0 len=8 ACK 0102030405060708", ""},
		{"GOAWAY", frame(0x7, 0, 0, []byte{0, 0, 0, 9, 0, 0, 0, 0}), "C→S GOAWAY stream=0 len=8 last_stream=9 NO_ERROR", ""},
		{"RST_STREAM CANCEL", frame(0x3, 0, 5, []byte{0, 0, 0, 8}), "C→S RST_STREAM stream=5 len=4 CANCEL", ""},
		{"an unknown type is listed, not rejected (RFC 9113 §5.5)", frame(0x20, 0xff, 0, []byte("x")), "C→S UNKNOWN_0x20 stream=0 len=1", ""},
	}
	for _, tt := range tests {
		f, frag, n, err := h2wire.ReadFrame(tt.in)
		if err != nil {
			t.Errorf("%s: ReadFrame error %v, want none", tt.desc, err)
			continue
		}
		if n != len(tt.in) {
			t.Errorf("%s: ReadFrame took %d bytes, want %d", tt.desc, n, len(tt.in))
		}
		if got := f.String(); got != tt.want {
			t.Errorf("%s: frame = %q, want %q", tt.desc, got, tt.want)
		}
		if string(frag) != tt.frag {
			t.Errorf("%s: fragment = %q, want %q", tt.desc, frag, tt.frag)
		}
	}
}

func TestReadFrameErrors(t *testing.T) {
	tests := []struct {
		desc  string
		in    []byte
		short bool // want ErrShort
	}{
		{"fewer than 9 bytes", []byte{0, 0, 0, 4}, true},
		{"payload cut off", frame(0x6, 0, 0, make([]byte, 8))[:12], true},
		{"SETTINGS on a stream", frame(0x4, 0, 1, nil), false},
		{"SETTINGS of 5 bytes", frame(0x4, 0, 0, make([]byte, 5)), false},
		{"SETTINGS ACK with a payload", frame(0x4, 0x1, 0, make([]byte, 6)), false},
		{"PING of 7 bytes", frame(0x6, 0, 0, make([]byte, 7)), false},
		{"padding longer than the frame", frame(0x0, 0x8, 1, []byte{9, 'x'}), false},
		{"PRIORITY flag with too few bytes", frame(0x1, 0x20, 1, []byte{0, 0}), false},
		{"WINDOW_UPDATE of 3 bytes", frame(0x8, 0, 0, make([]byte, 3)), false},
		{"GOAWAY of 4 bytes", frame(0x7, 0, 0, make([]byte, 4)), false},
	}
	for _, tt := range tests {
		_, _, _, err := h2wire.ReadFrame(tt.in)
		if err == nil {
			t.Errorf("%s: ReadFrame = no error, want one", tt.desc)
			continue
		}
		if got := errors.Is(err, h2wire.ErrShort); got != tt.short {
			t.Errorf("%s: errors.Is(%v, ErrShort) = %v, want %v", tt.desc, err, got, tt.short)
		}
	}
}

// TestParseHeaderBlocks builds a connection by hand: two requests whose
// headers an HPACK encoder compressed, the first split across HEADERS and
// CONTINUATION. Parse must join the fragments, decode both blocks in order,
// and see the second :authority as a dynamic-table index.
func TestParseHeaderBlocks(t *testing.T) {
	var buf bytes.Buffer
	enc := hpack.NewEncoder(&buf)
	block := func(path string) []byte {
		buf.Reset()
		for _, f := range []hpack.HeaderField{{Name: ":method", Value: "GET"}, {Name: ":authority", Value: "server.test"}, {Name: ":path", Value: path}} {
			enc.WriteField(f)
		}
		return append([]byte(nil), buf.Bytes()...)
	}
	b1, b2 := block("/a"), block("/b")
	client := []byte(h2wire.Preface)
	client = append(client, frame(0x4, 0, 0, nil)...)
	client = append(client, frame(0x1, 0x1, 1, b1[:3])...) // HEADERS, no END_HEADERS
	client = append(client, frame(0x9, 0x4, 1, b1[3:])...) // CONTINUATION, END_HEADERS
	client = append(client, frame(0x1, 0x1|0x4, 3, b2)...) // HEADERS
	server := frame(0x4, 0x1, 0, nil)                      // SETTINGS ACK
	chunks := []wiretap.Chunk{{Seq: 0, Dir: netx.ClientToServer, Data: client}, {Seq: 1, Dir: netx.ServerToClient, Data: server}}

	ex, err := h2wire.Parse(chunks)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if !ex.Preface {
		t.Errorf("Preface = false, want true")
	}
	want := map[string]int{"SETTINGS": 2, "HEADERS": 2, "CONTINUATION": 1}
	if got := ex.Counts(); !reflect.DeepEqual(got, want) {
		t.Errorf("Counts = %v, want %v", got, want)
	}
	if got := ex.Streams(); !reflect.DeepEqual(got, []uint32{1, 3}) {
		t.Errorf("Streams = %v, want [1 3]", got)
	}
	var hs []h2wire.Frame
	for _, f := range ex.Frames {
		if f.Type == "HEADERS" {
			hs = append(hs, f)
		}
	}
	if hs[0].BlockLen != len(b1) || len(hs[0].Fields) != 3 || hs[0].Fields[2].Value != "/a" {
		t.Errorf("first HEADERS: block %d B, fields %v; want %d B ending in :path /a", hs[0].BlockLen, hs[0].Fields, len(b1))
	}
	if len(hs[1].Reps) != 3 || hs[1].Reps[1].Kind != h2wire.Indexed || !hs[1].Reps[1].Dynamic() {
		t.Errorf("second HEADERS :authority encoded as %v, want a dynamic-table index", hs[1].Reps)
	}
}

func TestParseRejects(t *testing.T) {
	for _, tt := range []struct {
		desc   string
		client []byte
	}{
		{"HTTP/1.1 instead of the preface", []byte("GET / HTTP/1.1\r\n\r\n")},
		{"DATA between HEADERS and its CONTINUATION", append(append([]byte(h2wire.Preface), frame(0x1, 0, 1, []byte{0x82})...), frame(0x0, 0, 1, nil)...)},
		{"CONTINUATION with no HEADERS", append([]byte(h2wire.Preface), frame(0x9, 0x4, 1, []byte{0x82})...)},
	} {
		if _, err := h2wire.Parse([]wiretap.Chunk{{Dir: netx.ClientToServer, Data: tt.client}}); err == nil {
			t.Errorf("%s: Parse = no error, want one", tt.desc)
		}
	}
}

func TestParseTruncated(t *testing.T) {
	client := append([]byte(h2wire.Preface), frame(0x6, 0, 0, make([]byte, 8))...)
	ex, err := h2wire.Parse([]wiretap.Chunk{{Dir: netx.ClientToServer, Data: client[:len(client)-3]}})
	if err != nil {
		t.Fatalf("Parse of a cut-off recording: %v, want no error (it is not malformed, only short)", err)
	}
	if len(ex.Frames) != 0 || !strings.Contains(ex.Rest[netx.ClientToServer], "cut off") {
		t.Errorf("Parse of a cut-off PING: frames %v, rest %q; want none and a note that it was cut off", ex.Frames, ex.Rest)
	}
}

// recordH2C runs a real h2c exchange on loopback with the client's
// connection recorded, and returns the recording.
func recordH2C(t testing.TB, requests int) []wiretap.Chunk {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	srv := &http.Server{Protocols: &p, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello "+r.URL.Path)
	})}
	go srv.Serve(ln)
	defer srv.Close()

	var mu sync.Mutex
	var rec *wiretap.Conn
	tr := &http.Transport{Protocols: &p, DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		mu.Lock()
		defer mu.Unlock()
		rec = wiretap.Client(c)
		return rec, nil
	}}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	for i := 0; i < requests; i++ {
		resp, err := client.Get("http://" + ln.Addr().String() + "/x")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	tr.CloseIdleConnections()
	mu.Lock()
	defer mu.Unlock()
	return rec.Chunks()
}

func TestParseRealExchange(t *testing.T) {
	chunks := recordH2C(t, 3)
	ex, err := h2wire.Parse(chunks)
	if err != nil {
		t.Fatalf("Parse of a real h2c exchange: %v", err)
	}
	c := ex.Counts()
	if !ex.Preface || c["HEADERS"] != 6 || c["DATA"] < 3 || c["SETTINGS"] != 4 {
		t.Errorf("real exchange of 3 requests: preface %v, counts %v; want the preface, 6 HEADERS, at least 3 DATA, 4 SETTINGS", ex.Preface, c)
	}
	if got := ex.Streams(); !reflect.DeepEqual(got, []uint32{1, 3, 5}) {
		t.Errorf("Streams = %v, want [1 3 5]", got)
	}
	for _, f := range ex.Frames {
		if f.Type == "HEADERS" && (f.Fields == nil || f.Reps == nil) {
			t.Errorf("%v: header block not decoded (%s)", f, f.HPACKErr)
		}
	}
}

// FuzzParse feeds Parse arbitrary bytes as both directions of a
// connection, seeded with a real recorded exchange.
func FuzzParse(f *testing.F) {
	chunks := recordH2C(f, 2)
	var cli, srv []byte
	for _, c := range chunks {
		if c.Dir == netx.ClientToServer {
			cli = append(cli, c.Data...)
		} else {
			srv = append(srv, c.Data...)
		}
	}
	f.Add(cli[len(h2wire.Preface):], srv, uint8(7))
	f.Add(frame(0x1, 0x1, 1, []byte{0x82, 0x86}), frame(0x4, 0, 0, []byte{0, 1, 0xff, 0xff, 0xff, 0xff}), uint8(3))
	f.Add([]byte{}, []byte{0, 0, 0}, uint8(0))
	f.Fuzz(func(t *testing.T, client, server []byte, cut uint8) {
		c := append([]byte(h2wire.Preface), client...)
		// Split the client's bytes into two chunks, with the server's
		// between them, as a recording of interleaved traffic would.
		k := min(int(cut), len(c))
		ex, _ := h2wire.Parse([]wiretap.Chunk{
			{Seq: 0, Dir: netx.ClientToServer, Data: c[:k]},
			{Seq: 1, Dir: netx.ServerToClient, Data: server},
			{Seq: 2, Dir: netx.ClientToServer, Data: c[k:]},
		})
		total := 0
		for _, fr := range ex.Frames {
			total += h2wire.FrameHeaderLen + fr.Length
			if fr.Reps != nil && len(fr.Reps) != len(fr.Fields) {
				t.Fatalf("%v: %d reps for %d fields", fr, len(fr.Reps), len(fr.Fields))
			}
			_ = fr.String()
		}
		if total > len(c)+len(server) {
			t.Fatalf("frames cover %d bytes, more than the %d recorded", total, len(c)+len(server))
		}
		n := 0
		for _, v := range ex.Counts() {
			n += v
		}
		if n != len(ex.Frames) {
			t.Fatalf("Counts add up to %d, want %d frames", n, len(ex.Frames))
		}
	})
}

func FuzzReadFrame(f *testing.F) {
	f.Add(frame(0x4, 0, 0, []byte{0, 3, 0, 0, 0, 100}))
	f.Add(frame(0x0, 0x8, 1, []byte{2, 'h', 'i', 0, 0}))
	f.Add(frame(0x5, 0x8|0x4, 1, []byte{1, 0, 0, 0, 2, 0x82, 0}))
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, _, n, err := h2wire.ReadFrame(b)
		if n > len(b) {
			t.Fatalf("ReadFrame took %d of %d bytes", n, len(b))
		}
		if err == nil && n != h2wire.FrameHeaderLen+fr.Length {
			t.Fatalf("ReadFrame took %d bytes for a frame of length %d", n, fr.Length)
		}
	})
}
