package deploy

import (
	"bufio"
	"io"
	"net"
	"strconv"

	"github.com/netdemo/netdemo/demos/deploy/deploy/cgiwire"
	"github.com/netdemo/netdemo/demos/deploy/deploy/fastcgi"
	"github.com/netdemo/netdemo/demos/deploy/deploy/uwsgi"
)

// Peers that break their protocol on purpose, behind the proxy at /bad/.
const (
	badRoot      = "/bad/"
	badCGICrash  = "/bad/cgi-crash"
	badCGIHeader = "/bad/cgi-malformed"
	badFCGIHTTP  = "/bad/fastcgi-to-http/"
	badFCGICut   = "/bad/fastcgi-cut/"
	badUWSGICut  = "/bad/uwsgi-cut/"
)

// serveCutFastCGI reads each FastCGI request, answers with half a STDOUT
// record and hangs up: an application server that crashed mid-answer.
func serveCutFastCGI(l net.Listener) {
	serveEach(l, func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			rec, err := fastcgi.ReadRecord(br)
			if err != nil || rec.Type == fastcgi.TypeStdin && len(rec.Content) == 0 {
				break
			}
		}
		rec := fastcgi.AppendRecord(nil, fastcgi.TypeStdout, 1, []byte("Content-Type: text/plain\r\n\r\nhalf an answ"))
		c.Write(rec[:len(rec)/2])
	})
}

// serveCutUWSGI reads each uwsgi request, starts the status line and
// hangs up.
func serveCutUWSGI(l net.Listener) {
	serveEach(l, func(c net.Conn) {
		br := bufio.NewReader(c)
		_, vars, err := uwsgi.ReadPacket(br)
		if err != nil {
			return
		}
		if n, _ := strconv.Atoi(cgiwire.Map(vars)["CONTENT_LENGTH"]); n > 0 {
			io.CopyN(io.Discard, br, int64(n))
		}
		c.Write([]byte("HTTP/1.1 2"))
	})
}

// serveEach runs fn on each accepted connection and closes it after.
func serveEach(l net.Listener, fn func(net.Conn)) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			fn(c)
		}()
	}
}
