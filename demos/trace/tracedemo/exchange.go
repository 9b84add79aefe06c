package tracedemo

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"sync"
	"time"

	"github.com/netdemo/netdemo/internal/netx"
)

// endpoints says where the exchange's servers listen and how the client
// reaches them. In the lab the server is "server.test" on well-known ports;
// on the loopback the kernel picks free ports on 127.0.0.1.
type endpoints struct {
	server, client netx.Network
	httpListen     string // "server.test:80" or "127.0.0.1:0"
	udpListen      string
	host           string // what the client dials: "server.test" or "127.0.0.1"
	tlsName        string // the name the client checks the certificate for
}

// servers are the exchange's listening sockets, opened before the capture
// starts so that a live capture can filter on their ports.
type servers struct {
	httpLn  net.Listener
	udpConn net.PacketConn
	srv     *http.Server
	wg      sync.WaitGroup
}

// postBody is the small POST of the exchange: a form, as a browser sends.
const postBody = "name=netdemo&lang=go"

// startServers opens the HTTP (or HTTPS) server and the UDP echo server.
func startServers(ctx context.Context, ep endpoints, serverTLS *tls.Config) (*servers, error) {
	ln, err := ep.server.Listen(ctx, "tcp", ep.httpListen)
	if err != nil {
		return nil, fmt.Errorf("listening for HTTP on %s: %w", ep.httpListen, err)
	}
	pc, err := ep.server.ListenPacket(ctx, "udp", ep.udpListen)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("listening for UDP on %s: %w", ep.udpListen, err)
	}
	s := &servers{httpLn: ln, udpConn: pc}
	s.srv = &http.Server{Handler: exchangeHandler(), ReadHeaderTimeout: 30 * time.Second}
	if serverTLS != nil {
		cfg := serverTLS.Clone()
		cfg.MinVersion = tls.VersionTLS13
		cfg.NextProtos = []string{"http/1.1"}
		ln = tls.NewListener(ln, cfg)
	}
	s.wg.Add(2)
	go func() { defer s.wg.Done(); s.srv.Serve(ln) }()
	go func() { defer s.wg.Done(); udpEcho(pc) }()
	return s, nil
}

// close stops both servers and waits for them.
func (s *servers) close() {
	s.srv.Close()
	s.udpConn.Close()
	s.wg.Wait()
}

func (s *servers) httpPort() int { return int(netx.Port(s.httpLn.Addr())) }
func (s *servers) udpPort() int  { return int(netx.Port(s.udpConn.LocalAddr())) }

// exchangeHandler answers GET / with a short page and POST /form by
// counting what it received, so the client can check the body arrived.
func exchangeHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "hello from the trace demo\n")
	})
	mux.HandleFunc("POST /form", func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, r.Body)
		if err != nil {
			http.Error(w, "reading the body: "+err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "received %d bytes\n", n)
	})
	return mux
}

// udpEcho answers each datagram with "pong: " and what it got.
func udpEcho(pc net.PacketConn) {
	buf := make([]byte, 2048)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		pc.WriteTo(append([]byte("pong: "), buf[:n]...), from)
	}
}

// exchangeResult is what the client observed: every claim the demo prints
// about the exchange comes from here.
type exchangeResult struct {
	GetStatus, PostStatus int
	GetBody, PostBody     string
	Reused                bool   // the POST went over the GET's connection
	ClientAddr            string // the client's side of the TCP connection
	TLSVersion            string // "TLS 1.3" when --tls
	UDPReply              string
	UDPTries              int
}

// runExchange is the traffic the trace shows: GET and POST on one
// keep-alive connection, the connection closed by the client, then one UDP
// request and its reply. udpTimeout is how long to wait before sending the
// UDP request again (UDP itself never will).
//
// settle runs between the TCP close and the UDP request: it waits for the
// teardown to finish on the wire, so the trace shows one thing at a time.
func runExchange(ctx context.Context, ep endpoints, s *servers, clientTLS *tls.Config, udpTimeout time.Duration, settle func()) (*exchangeResult, error) {
	res := &exchangeResult{}
	tr := &http.Transport{
		DialContext:        ep.client.Dial,
		DisableCompression: true,
		MaxIdleConns:       1,
		// HTTP/1.1 only: the point is to see requests as plain text lines.
		TLSNextProto: map[string]func(string, *tls.Conn) http.RoundTripper{},
	}
	scheme := "http"
	if clientTLS != nil {
		scheme = "https"
		cfg := clientTLS.Clone()
		cfg.MinVersion = tls.VersionTLS13
		cfg.NextProtos = []string{"http/1.1"}
		tr.TLSClientConfig = cfg
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	base := fmt.Sprintf("%s://%s", scheme, net.JoinHostPort(ep.host, strconv.Itoa(s.httpPort())))

	var conns []string
	var tlsVersion uint16
	trace := &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			conns = append(conns, info.Conn.LocalAddr().String())
			if tc, ok := info.Conn.(*tls.Conn); ok {
				tlsVersion = tc.ConnectionState().Version
			}
		},
	}
	do := func(method, path string, body io.Reader) (int, string, error) {
		req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), method, base+path, body)
		if err != nil {
			return 0, "", err
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), err
	}
	var err error
	if res.GetStatus, res.GetBody, err = do("GET", "/", nil); err != nil {
		return nil, fmt.Errorf("GET /: %w", err)
	}
	if res.PostStatus, res.PostBody, err = do("POST", "/form", bytes.NewReader([]byte(postBody))); err != nil {
		return nil, fmt.Errorf("POST /form: %w", err)
	}
	res.Reused = len(conns) == 2 && conns[0] == conns[1]
	if len(conns) > 0 {
		res.ClientAddr = conns[0]
	}
	if tlsVersion != 0 {
		res.TLSVersion = tls.VersionName(tlsVersion)
	}
	// Closing the idle connection is the client's FIN: the teardown.
	tr.CloseIdleConnections()
	settle()

	if res.UDPReply, res.UDPTries, err = udpRequest(ctx, ep, s.udpPort(), udpTimeout); err != nil {
		return nil, err
	}
	return res, nil
}

// udpRequest sends one datagram and waits for the echo, sending again after
// timeout: on a lossy link UDP loses data silently, so the application is
// the one that retries.
func udpRequest(ctx context.Context, ep endpoints, port int, timeout time.Duration) (string, int, error) {
	c, err := ep.client.Dial(ctx, "udp", net.JoinHostPort(ep.host, strconv.Itoa(port)))
	if err != nil {
		return "", 0, fmt.Errorf("dialing UDP: %w", err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Now()) })
	defer stop()
	buf := make([]byte, 2048)
	const tries = 8
	for i := 1; i <= tries; i++ {
		if _, err := c.Write([]byte("ping")); err != nil {
			return "", i, fmt.Errorf("sending the UDP request: %w", err)
		}
		c.SetReadDeadline(time.Now().Add(timeout))
		n, err := c.Read(buf)
		if err == nil {
			return string(buf[:n]), i, nil
		}
		var ne net.Error
		if ctx.Err() != nil || !errors.As(err, &ne) || !ne.Timeout() {
			return "", i, fmt.Errorf("reading the UDP reply: %w", err)
		}
	}
	return "", tries, fmt.Errorf("no UDP reply after %d tries", tries)
}
