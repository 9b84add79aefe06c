package uwsgi

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cgi"
	"strconv"
	"sync"

	"github.com/netdemo/netdemo/demos/deploy/deploy/cgiwire"
)

// Server is the application's side: it reads one uwsgi packet per
// connection, runs Handler on the request it describes and writes an
// HTTP/1.1 response, then closes the connection.
type Server struct {
	Handler http.Handler
	// ErrorLog, when set, gets one line per connection the server could
	// not understand.
	ErrorLog func(err error)

	wg sync.WaitGroup
}

// Serve accepts connections on l until it is closed, and waits for the
// connections in progress.
func (s *Server) Serve(l net.Listener) error {
	defer s.wg.Wait()
	for {
		c, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			if err := s.serveConn(c); err != nil && s.ErrorLog != nil {
				s.ErrorLog(err)
			}
		}()
	}
}

func (s *Server) serveConn(c net.Conn) error {
	br := bufio.NewReader(c)
	_, vars, err := ReadPacket(br)
	if err != nil {
		return err
	}
	req, err := cgi.RequestFromMap(cgiwire.Map(vars))
	if err != nil {
		return fmt.Errorf("uwsgi: the vars do not make a request: %w", err)
	}
	if req.ContentLength > 0 {
		req.Body = io.NopCloser(io.LimitReader(br, req.ContentLength))
	} else {
		req.Body = http.NoBody
	}
	w := &response{header: http.Header{}, bw: bufio.NewWriter(c)}
	s.Handler.ServeHTTP(w, req)
	w.finish()
	return w.bw.Flush()
}

// response writes an HTTP/1.1 response that ends when the connection
// closes (no Content-Length needed, no chunking).
type response struct {
	header      http.Header
	bw          *bufio.Writer
	wroteHeader bool
}

func (w *response) Header() http.Header { return w.header }

func (w *response) WriteHeader(code int) {
	if w.wroteHeader {
		return
	}
	w.wroteHeader = true
	w.header.Set("Connection", "close")
	fmt.Fprintf(w.bw, "HTTP/1.1 %d %s\r\n", code, http.StatusText(code))
	w.header.Write(w.bw)
	w.bw.WriteString("\r\n")
}

func (w *response) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		if w.header.Get("Content-Type") == "" {
			w.header.Set("Content-Type", http.DetectContentType(p))
		}
		w.WriteHeader(http.StatusOK)
	}
	return w.bw.Write(p)
}

func (w *response) Flush() { w.bw.Flush() }

func (w *response) finish() {
	if !w.wroteHeader {
		w.header.Set("Content-Length", strconv.Itoa(0))
		w.WriteHeader(http.StatusOK)
	}
}
