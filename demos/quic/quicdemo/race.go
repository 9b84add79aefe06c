package quicdemo

import (
	"slices"
	"sync"

	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"time"

	"github.com/netdemo/netdemo/internal/demo"

	"github.com/quic-go/quic-go/http3"
)

// raceCase is one contestant of the handshake race: a protocol stack and
// the number of round trips theory says a fresh GET waits before the first
// byte of its response.
type raceCase struct {
	Key     string // field of ttfb_ms in the result
	Name    text
	RTTs    int
	Why     text // where the round trips go
	measure func(rc *racer, ctx context.Context) (*fetched, error)
}

// text is a string in both languages.
type text struct{ En, Zh string }

var raceCases = []raceCase{
	{Key: "http1", Name: text{"HTTP/1.1 over TCP", "TCP 上的 HTTP/1.1"}, RTTs: 2,
		Why:     text{"TCP handshake 1 + request 1", "TCP 握手 1 + 请求 1"},
		measure: (*racer).http1},
	{Key: "https_tls12", Name: text{"HTTPS, TLS 1.2", "HTTPS，TLS 1.2"}, RTTs: 4,
		Why:     text{"TCP 1 + TLS 1.2 handshake 2 + request 1", "TCP 1 + TLS 1.2 握手 2 + 请求 1"},
		measure: func(rc *racer, ctx context.Context) (*fetched, error) { return rc.https(ctx, tls.VersionTLS12) }},
	{Key: "https_tls13", Name: text{"HTTPS, TLS 1.3", "HTTPS，TLS 1.3"}, RTTs: 3,
		Why:     text{"TCP 1 + TLS 1.3 handshake 1 + request 1", "TCP 1 + TLS 1.3 握手 1 + 请求 1"},
		measure: func(rc *racer, ctx context.Context) (*fetched, error) { return rc.https(ctx, tls.VersionTLS13) }},
	{Key: "http3", Name: text{"HTTP/3 over QUIC", "QUIC 上的 HTTP/3"}, RTTs: 2,
		Why:     text{"QUIC+TLS 1.3 handshake 1 + request 1", "QUIC+TLS 1.3 握手 1 + 请求 1"},
		measure: (*racer).http3},
	{Key: "http3_0rtt", Name: text{"HTTP/3, 0-RTT resumption", "HTTP/3，0-RTT 会话恢复"}, RTTs: 1,
		Why:     text{"request rides in the first flight: 1", "请求随第一个包发出：1"},
		measure: (*racer).http3ZeroRTT},
}

// raceRow is what the race measured for one case.
type raceRow struct {
	raceCase
	Best   time.Duration // fastest of Tries fresh connections
	Tries  int
	Theory time.Duration
	Ratio  float64 // Best / Theory
	Within bool    // within raceTolerance of theory
}

// raceTolerance is how far from theory a measurement may be and still
// count as "as predicted": 10 %, as the issue asks.
const raceTolerance = 0.10

// racer measures on one bed with fresh clients.
type racer struct {
	b   bed
	srv *servers
	// tickets holds the session ticket the 0-RTT case resumes with.
	tickets *ticketCache
	// used0RTT is true once a 0-RTT try saw quic-go report Used0RTT.
	used0RTT bool
}

// runRace measures every case tries times on fresh connections and keeps
// the fastest: on a busy machine a try can only be slowed down, never sped
// up past the network, so the minimum is the honest network figure. The
// contestants run side by side, each on a lab and servers of its own, so
// that the race takes as long as its slowest contestant, not their sum;
// within a contestant the tries run one after another.
func runRace(ctx context.Context, r *demo.Run, tries int) ([]raceRow, bool, error) {
	rtt := r.Link.RTT
	rows := make([]raceRow, len(raceCases))
	used := make([]bool, len(raceCases))
	errs := make([]error, len(raceCases))
	var wg sync.WaitGroup
	for k, c := range raceCases {
		wg.Go(func() {
			rows[k], used[k], errs[k] = raceOne(ctx, r, c, rtt, tries)
		})
	}
	wg.Wait()
	for k, err := range errs {
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", raceCases[k].Name.En, err)
		}
	}
	return rows, slices.Contains(used, true), nil
}

// raceOne measures one contestant on a lab of its own.
func raceOne(ctx context.Context, r *demo.Run, c raceCase, rtt time.Duration, tries int) (raceRow, bool, error) {
	row := raceRow{raceCase: c, Tries: tries, Theory: time.Duration(c.RTTs) * rtt}
	l, err := r.NewLabWith(r.Link, r.Seed)
	if err != nil {
		return row, false, err
	}
	defer l.Close()
	b := labBed(l)
	srv, err := startServers(ctx, b)
	if err != nil {
		return row, false, err
	}
	defer srv.Close()
	rc := &racer{b: b, srv: srv}
	for i := 0; i < tries; i++ {
		if err := ctx.Err(); err != nil {
			return row, false, err
		}
		f, err := c.measure(rc, ctx)
		if err != nil {
			return row, false, err
		}
		if i == 0 || f.FirstByte < row.Best {
			row.Best = f.FirstByte
		}
	}
	if row.Theory > 0 {
		row.Ratio = float64(row.Best) / float64(row.Theory)
		row.Within = row.Ratio >= 1-raceTolerance && row.Ratio <= 1+raceTolerance
	}
	return row, rc.used0RTT, nil
}

func (rc *racer) http1(ctx context.Context) (*fetched, error) {
	t := tcpClient(rc.b, rc.srv.plain.port, nil, 0, false)
	defer t.CloseIdleConnections()
	f, err := fetch(ctx, t, http.MethodGet, tcpURL(false, rc.srv.plain.port, "/"), nil)
	if err != nil {
		return nil, err
	}
	if f.Resp.ProtoMajor != 1 || f.Status != http.StatusOK {
		return nil, fmt.Errorf("got %s %d, want HTTP/1.1 200", f.Proto, f.Status)
	}
	return f, nil
}

func (rc *racer) https(ctx context.Context, version uint16) (*fetched, error) {
	t := tcpClient(rc.b, rc.srv.https.port, rc.srv.tlsClient, version, false)
	defer t.CloseIdleConnections()
	f, err := fetch(ctx, t, http.MethodGet, tcpURL(true, rc.srv.https.port, "/"), nil)
	if err != nil {
		return nil, err
	}
	st := f.Resp.TLS
	switch {
	case st == nil:
		return nil, fmt.Errorf("the response came without TLS")
	case st.Version != version:
		return nil, fmt.Errorf("negotiated %s, want %s", tls.VersionName(st.Version), tls.VersionName(version))
	case st.DidResume:
		return nil, fmt.Errorf("the handshake resumed a session; the race needs full handshakes")
	case f.Resp.ProtoMajor != 1 || f.Status != http.StatusOK:
		return nil, fmt.Errorf("got %s %d, want HTTP/1.1 200", f.Proto, f.Status)
	}
	return f, nil
}

func (rc *racer) http3(ctx context.Context) (*fetched, error) {
	cfg := rc.srv.tlsClient.Clone()
	cfg.ClientSessionCache = nil // a full handshake every time
	f, _, err := rc.h3Get(ctx, cfg, http.MethodGet)
	return f, err
}

// http3ZeroRTT resumes with a ticket from an earlier connection and sends the
// GET as early data. The first call fetches the ticket on a connection of
// its own, not timed.
func (rc *racer) http3ZeroRTT(ctx context.Context) (*fetched, error) {
	if rc.tickets == nil {
		rc.tickets = newTicketCache()
		cfg := rc.srv.tlsClient.Clone()
		cfg.ClientSessionCache = rc.tickets
		if _, _, err := rc.h3Get(ctx, cfg, http.MethodGet); err != nil {
			return nil, fmt.Errorf("getting a session ticket: %w", err)
		}
	}
	if err := rc.tickets.wait(ctx, 5*time.Second); err != nil {
		return nil, err
	}
	cfg := rc.srv.tlsClient.Clone()
	cfg.ClientSessionCache = rc.tickets
	f, used, err := rc.h3Get(ctx, cfg, http3.MethodGet0RTT)
	if err != nil {
		return nil, err
	}
	if !used {
		return nil, fmt.Errorf("the server did not accept 0-RTT (quic-go reports Used0RTT false)")
	}
	rc.used0RTT = true
	return f, nil
}

// h3Get GETs / on a fresh HTTP/3 client and reports whether its connection
// used 0-RTT.
func (rc *racer) h3Get(ctx context.Context, cfg *tls.Config, method string) (*fetched, bool, error) {
	c, err := newH3Client(ctx, rc.b, rc.srv.h3.port, cfg)
	if err != nil {
		return nil, false, err
	}
	defer c.Close()
	f, err := fetch(ctx, c.rt, method, h3URL(rc.srv.h3.port, "/"), nil)
	if err != nil {
		return nil, false, err
	}
	if f.Resp.ProtoMajor != 3 || f.Status != http.StatusOK {
		return nil, false, fmt.Errorf("got %s %d, want HTTP/3 200", f.Proto, f.Status)
	}
	conns := c.Conns()
	if len(conns) != 1 {
		return nil, false, fmt.Errorf("the client made %d QUIC connections, want 1", len(conns))
	}
	return f, conns[0].ConnectionState().Used0RTT, nil
}
