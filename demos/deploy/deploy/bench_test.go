package deploy

import (
	"context"
	"fmt"
	"net"
	"testing"

	"github.com/netdemo/netdemo/demos/deploy/deploy/fastcgi"
	"github.com/netdemo/netdemo/demos/deploy/deploy/uwsgi"
)

// BenchmarkInterfaces is the timing table of the demo as benchmarks: b.N
// requests for /hello straight to each app server, from 1 and from 8
// concurrent clients, reporting p50, p99 and requests/s besides ns/op.
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
	rows := []timedRow{
		{rowInProcess, 0, handlerCaller(c.app, "/hello")},
		{rowTCP, 0, httpCaller(tcpc, "http://"+tl.Addr().String()+"/hello")},
		{rowUnix, 0, httpCaller(unixc, "http://app.test/hello")},
		{rowFastCGI, 0, roundTripCaller(&fastcgi.Transport{Dial: unixDialer(c.fcgiSock)})},
		{rowUWSGI, 0, roundTripCaller(&uwsgi.Transport{Dial: unixDialer(c.uwsgiSock)})},
		{rowCGI, 0, handlerCaller(c.cgi, cgiRoot+"/hello")},
	}
	py := startPython(ctx, dir)
	defer py.Close()
	if py.wsgi != nil {
		rows = append(rows, timedRow{rowPython, 0, httpCaller(newClient(unixDialer(py.wsgi.sock)), "http://app.test/hello")})
	} else {
		b.Logf("no %s row: %s", rowPython, py.wsgiMissing)
	}
	for _, row := range rows {
		for _, conc := range []int{1, 8} {
			b.Run(fmt.Sprintf("%s/clients=%d", row.name, conc), func(b *testing.B) {
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
