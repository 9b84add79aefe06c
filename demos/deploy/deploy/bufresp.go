package deploy

import (
	"bytes"
	"errors"
	"net/http"
)

// bufferedResponse is a ResponseWriter that keeps the whole response in
// memory: for running a handler in process (the "in_process" timing row)
// and for looking at a CGI script's answer before passing it on.
type bufferedResponse struct {
	header http.Header
	code   int
	body   bytes.Buffer
	// limit, when set, is the most body it keeps; past it Write fails
	// and overflow is set.
	limit    int
	overflow bool
}

func newBufferedResponse() *bufferedResponse { return &bufferedResponse{header: http.Header{}} }

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(code int) {
	if b.code == 0 {
		b.code = code
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.code == 0 {
		b.code = http.StatusOK
	}
	if b.limit > 0 && b.body.Len()+len(p) > b.limit {
		b.overflow = true
		return 0, errTooBig
	}
	return b.body.Write(p)
}

var errTooBig = errors.New("response too big to buffer")

// Status is the status code written, 200 when none was.
func (b *bufferedResponse) Status() int {
	if b.code == 0 {
		return http.StatusOK
	}
	return b.code
}

// copyTo replays the response.
func (b *bufferedResponse) copyTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(b.Status())
	w.Write(b.body.Bytes())
}
