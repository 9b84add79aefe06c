package httptcp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// rawRequests is what the demo writes by hand: two HTTP/1.1 requests in a
// single write. The second asks the server to close afterwards, so the
// client knows the stream is over when it reads EOF.
func rawRequests(host string) string {
	return "GET / HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: netdemo-by-hand\r\n\r\n" +
		"GET /bytes/" + fmt.Sprint(rawBodySize) + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n"
}

// rawBodySize is bigger than TCP's first flight (10 segments of at most
// 1460 bytes, RFC 6928), so the response needs more than one round trip and
// arrives in several reads.
const rawBodySize = 20000

// read is one Read call on the socket and what it returned.
type read struct {
	At   time.Duration // since the request was written
	Off  int           // offset of its first byte in the stream
	Data []byte
}

// message is one HTTP response found in the byte stream.
type message struct {
	Start, HeaderEnd, End int // offsets in the stream
	Status                int
	BodyLen               int
}

// rawExchange is the result of speaking HTTP/1.1 by hand.
type rawExchange struct {
	Request  string
	Reads    []read
	Stream   []byte
	Messages []message
	Wire     tapCounts // segments the lab carried (zero on loopback)
}

// speakRaw opens a TCP connection, writes the requests, and reads until
// the server closes, keeping every read's boundaries.
func speakRaw(ctx context.Context, tb *testbed, request string) (*rawExchange, error) {
	c, err := tb.client.Dial(ctx, "tcp", tb.plainAddr)
	if err != nil {
		return nil, fmt.Errorf("dialing %s: %w", tb.plainAddr, err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Now()) })
	defer stop()
	c.SetDeadline(time.Now().Add(tb.timeout))

	ex := &rawExchange{Request: request}
	wire0 := tb.wire.counts()
	start := time.Now()
	if _, err := io.WriteString(c, request); err != nil {
		return nil, fmt.Errorf("writing the request bytes: %w", err)
	}
	buf := make([]byte, 64<<10)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			ex.Reads = append(ex.Reads, read{At: time.Since(start), Off: len(ex.Stream), Data: append([]byte(nil), buf[:n]...)})
			ex.Stream = append(ex.Stream, buf[:n]...)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("reading the response bytes: %w", err)
		}
	}
	ex.Wire = tb.wire.counts().sub(wire0)
	ex.Messages, err = findMessages(ex.Stream)
	if err != nil {
		return nil, err
	}
	return ex, nil
}

// findMessages splits an HTTP/1.1 byte stream into responses the only way
// HTTP allows: the status line and headers end at the first empty line, and
// Content-Length (or chunked coding, or the end of the connection) says
// where the body ends (RFC 9112 §6.3). TCP says nothing about it.
func findMessages(stream []byte) ([]message, error) {
	r := bytes.NewReader(stream)
	br := bufio.NewReader(r)
	pos := func() int { return len(stream) - r.Len() - br.Buffered() }
	var out []message
	for pos() < len(stream) {
		m := message{Start: pos()}
		// Find the header end ourselves: ReadResponse does not report it.
		if i := bytes.Index(stream[m.Start:], []byte("\r\n\r\n")); i >= 0 {
			m.HeaderEnd = m.Start + i + 4
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return out, fmt.Errorf("parsing response %d at byte %d: %w", len(out)+1, m.Start, err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			return out, fmt.Errorf("reading the body of response %d: %w", len(out)+1, err)
		}
		m.Status, m.BodyLen, m.End = resp.StatusCode, int(n), pos()
		out = append(out, m)
	}
	return out, nil
}

// splits reports how the reads lined up with the messages: how many reads
// held a message boundary strictly inside them (the read carried the end of
// one message and the start of the next, or a header/body boundary), and
// how many message ends fell exactly on the end of a read.
func (ex *rawExchange) splits() (inside, aligned int) {
	var bounds []int
	for _, m := range ex.Messages {
		bounds = append(bounds, m.HeaderEnd, m.End)
	}
	for _, rd := range ex.Reads {
		a, b := rd.Off, rd.Off+len(rd.Data)
		for _, x := range bounds {
			if x > a && x < b {
				inside++
				break
			}
		}
	}
	for _, m := range ex.Messages {
		for _, rd := range ex.Reads {
			if rd.Off+len(rd.Data) == m.End {
				aligned++
			}
		}
	}
	return inside, aligned
}

// boundariesIn lists, for one read, the message boundaries strictly inside
// it as "where in the read" and "what it is".
func (ex *rawExchange) boundariesIn(rd read) []boundary {
	var out []boundary
	a, b := rd.Off, rd.Off+len(rd.Data)
	for i, m := range ex.Messages {
		if m.HeaderEnd > a && m.HeaderEnd < b {
			out = append(out, boundary{At: m.HeaderEnd - a, Msg: i + 1, HeaderEnd: true})
		}
		if m.End > a && m.End < b {
			out = append(out, boundary{At: m.End - a, Msg: i + 1})
		}
	}
	return out
}

// boundary is a message boundary inside a read: at byte At of the read,
// either the headers of message Msg end (HeaderEnd) or message Msg ends.
type boundary struct {
	At        int
	Msg       int
	HeaderEnd bool
}
