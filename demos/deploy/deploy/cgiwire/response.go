package cgiwire

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
)

// ParseResponse reads a CGI response (RFC 3875 §6): header lines, a blank
// line, the body. A "Status: 404 Not Found" header gives the status; a
// Location without one means 302; otherwise 200. A response without the
// blank line, or with a line that is not "Name: value", is an error that
// quotes what was wrong.
func ParseResponse(b []byte) (*http.Response, error) {
	br := bufio.NewReader(bytes.NewReader(b))
	tp := textproto.NewReader(br)
	mh, err := tp.ReadMIMEHeader()
	if err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, fmt.Errorf("CGI response ended before the blank line that ends its headers (%d bytes: %q)", len(b), clip(b))
		}
		return nil, fmt.Errorf("CGI response headers: %w", err)
	}
	h := http.Header(mh)
	code := http.StatusOK
	if s := h.Get("Status"); s != "" {
		f, _, _ := strings.Cut(s, " ")
		code, err = strconv.Atoi(f)
		if err != nil || code < 100 || code > 999 {
			return nil, fmt.Errorf("CGI response: bad Status header %q", s)
		}
		h.Del("Status")
	} else if h.Get("Location") != "" {
		code = http.StatusFound
	}
	body, _ := io.ReadAll(br)
	return &http.Response{
		Status:        strconv.Itoa(code) + " " + http.StatusText(code),
		StatusCode:    code,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
	}, nil
}

func clip(b []byte) []byte {
	if len(b) > 60 {
		return b[:60]
	}
	return b
}
