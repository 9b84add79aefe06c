package deploy

import (
	"context"
	"net"
	"testing"

	"github.com/netdemo/netdemo/demos/deploy/deploy/fastcgi"
	"github.com/netdemo/netdemo/demos/deploy/deploy/uwsgi"
)

// BenchmarkInterfaces is the timing table of the demo as benchmarks: GET
// /hello straight to each app server, with 1 and 8 concurrent clients,
// reporting p50 and p99 besides ns/op (which, with 8 clients, is the
// inverse of the throughput).
//
//	go test -run '^$' -bench Interfaces ./demos/deploy/deploy
func BenchmarkInterfaces(b *testing.B) {
	ctx := context.Background()
	dir, err := newSockDir()
	if err != nil {
		b.Fatal(err)
	}
	defer dir.Remove()
	c, err := startChain(ctx, dir, "127.0.0.1:0", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	tl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ts := serveHTTP(tl, c.app)
	defer ts.Close()
	tcpc, unixc := newClient(nil), newClient(unixDialer(c.appSock))
	rows := []struct {
		name string
		call caller
	}{
		{rowInProcess, handlerCaller(c.app, "/hello")},
		{rowTCP, httpCaller(tcpc, "http://"+tl.Addr().String()+"/hello")},
		{rowUnix, httpCaller(unixc, "http://app.test/hello")},
		{rowFastCGI, roundTripCaller(&fastcgi.Transport{Dial: unixDialer(c.fcgiSock)})},
		{rowUWSGI, roundTripCaller(&uwsgi.Transport{Dial: unixDialer(c.uwsgiSock)})},
		{rowCGI, handlerCaller(c.cgi, cgiRoot+"/hello")},
	}
	py := startPython(ctx, dir)
	defer py.Close()
	if py.wsgi != nil {
		rows = append(rows, struct {
			name string
			call caller
		}{rowPython, httpCaller(newClient(unixDialer(py.wsgi.sock)), "http://app.test/hello")})
	} else {
		b.Logf("no %s row: %s", rowPython, py.wsgiMissing)
	}
	for _, row := range rows {
		for _, conc := range []int{1, 8} {
			b.Run(row.name+"/clients="+map[int]string{1: "1", 8: "8"}[conc], func(b *testing.B) {
				if err := row.call(ctx); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				s := measure(ctx, b.N, conc, row.call)
				b.StopTimer()
				if s.err != nil {
					b.Fatal(s.err)
				}
				b.ReportMetric(float64(percentile(s.lat, 50))/1e3, "p50-µs")
				b.ReportMetric(float64(percentile(s.lat, 99))/1e3, "p99-µs")
				b.ReportMetric(float64(len(s.lat))/s.elapsed.Seconds(), "req/s")
			})
		}
	}
}
