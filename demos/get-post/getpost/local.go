package getpost

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/servers/orders"
)

// localAPI is the orders API on a kernel socket of 127.0.0.1, with its
// access log kept for the "where the data travels" step.
type localAPI struct {
	api  *orders.API
	addr string // host:port
	c    *client
	db   *orders.DB // --data, or nil
	// firstOrder is the path of the order the first step created.
	firstOrder string

	mu  sync.Mutex
	log []string
}

// Limits of the demo's server: small, so that the 413, 414 and 431 steps
// send little.
const (
	demoMaxBody   = 16 << 10
	demoMaxURI    = 8 << 10
	demoMaxHeader = 16 << 10
)

func startLocal(ctx context.Context, r *demo.Run) (*localAPI, error) {
	la := &localAPI{}
	db, err := openData(r)
	if err != nil {
		return nil, err
	}
	la.db = db
	la.api = orders.New(orders.Config{
		DB:           db,
		MaxBodyBytes: demoMaxBody,
		MaxURIBytes:  demoMaxURI,
		AccessLog: func(line string) {
			la.mu.Lock()
			la.log = append(la.log, line)
			la.mu.Unlock()
		},
	})
	ln, err := netx.Loopback.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening on 127.0.0.1: %w", err)
	}
	srv := orders.NewHTTPServer(la.api, orders.Timeouts{MaxHeaderBytes: demoMaxHeader})
	go srv.Serve(ln)
	r.OnClose(func() { srv.Close() })
	la.addr = ln.Addr().String()
	tr := &http.Transport{DialContext: (&net.Dialer{}).DialContext, MaxIdleConnsPerHost: 4}
	r.OnClose(tr.CloseIdleConnections)
	la.c = &client{r: r, base: "http://" + la.addr, hc: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
	return la, nil
}

// lastLog returns the access log line of the latest request.
func (la *localAPI) lastLog() string {
	la.mu.Lock()
	defer la.mu.Unlock()
	if len(la.log) == 0 {
		return ""
	}
	return la.log[len(la.log)-1]
}

// expect fails the run when a status is not the one the step is about to
// explain: the demo never narrates an outcome it did not see.
func expect(rep reply, what string, want ...int) error {
	for _, w := range want {
		if rep.Status == w {
			return nil
		}
	}
	return fmt.Errorf("%s: the server answered %d, want %v", what, rep.Status, want)
}
