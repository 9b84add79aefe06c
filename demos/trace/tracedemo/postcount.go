package tracedemo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/tap"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/lab"
	ippacket "github.com/netdemo/netdemo/internal/packet" // the package type packet is a captured packet
)

// postCase is one request of the "POST sends two TCP packets" measurement.
type postCase struct {
	Key    string // field of postPackets
	Method string
	Body   int  // bytes of body
	Expect bool // send "Expect: 100-continue" and wait for 100 Continue
}

// postCases are the four requests: each goes over a fresh connection on a
// fresh lab, so that every data segment the client sends is the request.
var postCases = []postCase{
	{Key: "get", Method: "GET"},
	{Key: "post_small", Method: "POST", Body: len(postBody)},
	{Key: "post_large_expect", Method: "POST", Body: 2 << 20, Expect: true},
	{Key: "post_large_no_expect", Method: "POST", Body: 2 << 20},
}

// postCount is what the tap saw of one request.
type postCount struct {
	Segments   int           // client→server segments with payload, retransmissions excluded
	Sizes      []int         // payload of the first segments, to show the write pattern
	MSS        int           // the largest payload the client sent: the MSS in use
	HeaderWait time.Duration // from the first request segment to the first body segment
	Send       time.Duration // from the request's first segment to its last on the wire
	Status     int
	Got100     bool // the server said 100 Continue before the body
	// HeaderBytes is the size of the request line and headers; HeadersAlone
	// is true when the first segment carried exactly those, no body.
	HeaderBytes  int
	HeadersAlone bool
}

// postPackets is the result field post_packets.
type postPackets struct {
	Get               int `json:"get"`
	PostSmall         int `json:"post_small"`
	PostLargeExpect   int `json:"post_large_expect"`
	PostLargeNoExpect int `json:"post_large_no_expect"`
}

// measurePost runs one case on a fresh lab with link (MTU 1500) and counts
// the client's data segments from the tap.
func measurePost(ctx context.Context, r *demo.Run, link lab.Link, pc postCase) (postCount, error) {
	var out postCount
	l, err := r.NewLabWith(link, r.Seed)
	if err != nil {
		return out, err
	}
	defer l.Close()

	ln, err := l.Server().Listen(ctx, "tcp", lab.ServerName+":80")
	if err != nil {
		return out, fmt.Errorf("listening: %w", err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body) // reading the body is what makes Go's server say 100 Continue
		fmt.Fprintf(w, "received %d bytes\n", n)
	})}
	go srv.Serve(ln)
	defer srv.Close()

	rec := tap.Record(l, tap.Proto(ippacket.TCP))
	defer rec.Stop()

	tr := &http.Transport{DialContext: l.Client().Dial, DisableCompression: true}
	if pc.Expect {
		// Go's client waits for 100 Continue only when the request carries
		// the header and ExpectContinueTimeout is set; it never adds it.
		tr.ExpectContinueTimeout = 5 * time.Second
	}
	defer tr.CloseIdleConnections()
	var body io.Reader
	if pc.Body > 0 {
		body = bytes.NewReader(bytes.Repeat([]byte("a"), pc.Body))
	}
	req, err := http.NewRequestWithContext(ctx, pc.Method, "http://"+lab.ServerName+"/upload", body)
	if err != nil {
		return out, err
	}
	if pc.Expect {
		req.Header.Set("Expect", "100-continue")
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		return out, fmt.Errorf("%s with %d bytes: %w", pc.Method, pc.Body, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	out.Status = resp.StatusCode
	if want := "received " + strconv.Itoa(pc.Body) + " bytes\n"; resp.StatusCode != http.StatusOK {
		return out, fmt.Errorf("%s with %d bytes: status %d, want 200 and %q", pc.Method, pc.Body, resp.StatusCode, want)
	}

	rec.Stop()
	countSegments(&out, rec.Frames())
	return out, nil
}

// countSegments reads the client's request off the recorded frames: its
// new data segments (retransmissions excluded), their sizes, when the body
// started after the headers, and whether the server said 100 Continue.
func countSegments(out *postCount, frames []tap.Frame) {
	var (
		next     uint32 // next new sequence number of the client's data
		started  bool
		first    time.Time // first request segment
		firstB   time.Time // first segment after the headers
		lastData time.Time
		hdrEnd   = -1 // bytes of the header block, once known
		sent     int  // request bytes seen so far
	)
	for _, f := range frames {
		seg := f.Pkt
		if f.Dir == netx.ServerToClient {
			if len(seg.Payload) > 0 && bytes.HasPrefix(seg.Payload, []byte("HTTP/1.1 100")) {
				out.Got100 = true
			}
			continue
		}
		if len(seg.Payload) == 0 {
			continue
		}
		end := seg.Seq + uint32(len(seg.Payload))
		if started && int32(end-next) <= 0 {
			continue // a retransmission: these bytes were sent before
		}
		if !started {
			started, first = true, f.At
			if i := bytes.Index(seg.Payload, []byte("\r\n\r\n")); i >= 0 {
				hdrEnd = i + 4
				out.HeaderBytes, out.HeadersAlone = hdrEnd, len(seg.Payload) == hdrEnd
				if len(seg.Payload) > hdrEnd {
					firstB = f.At // headers and body share the first segment
				}
			}
		}
		if firstB.IsZero() && hdrEnd >= 0 && sent >= hdrEnd {
			firstB = f.At
		}
		next = end
		sent += len(seg.Payload)
		out.Segments++
		out.MSS = max(out.MSS, len(seg.Payload))
		if len(out.Sizes) < 4 {
			out.Sizes = append(out.Sizes, len(seg.Payload))
		}
		lastData = f.At
	}
	if !firstB.IsZero() {
		out.HeaderWait = firstB.Sub(first)
	}
	out.Send = lastData.Sub(first)
}
