package quicdemo

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/tap"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/lab"
)

// layersRequests is how many GETs the first step sends at once on one
// connection: enough to show that they share it.
const layersRequests = 3

// showLayers sends a few GETs over one fresh HTTP/3 connection while a tap
// watches the client's UDP port, then prints the datagrams: QUIC's
// handshake and requests, each packet inside an ordinary UDP datagram.
func showLayers(ctx context.Context, r *demo.Run, l *lab.Lab, b bed, srv *servers) error {
	cfg := srv.tlsClient.Clone()
	cfg.ClientSessionCache = nil
	c, err := newH3Client(ctx, b, srv.h3.port, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	udp := recordUDP(l, c.port)
	remove := udp.stop
	defer remove()
	serverConns := srv.h3.conns.Load()

	got := make([]*fetched, layersRequests)
	errs := make([]error, layersRequests)
	var wg sync.WaitGroup
	for i := range layersRequests {
		wg.Go(func() { got[i], errs[i] = fetch(ctx, c.rt, http.MethodGet, h3URL(srv.h3.port, "/"), nil) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return err
		}
		if got[i].Status != http.StatusOK || got[i].Proto != "HTTP/3.0" {
			return fmt.Errorf("got %s %d, want HTTP/3.0 200", got[i].Proto, got[i].Status)
		}
	}
	remove()
	clientConns, accepted := len(c.Conns()), int(srv.h3.conns.Load()-serverConns)
	if clientConns != 1 || accepted != 1 {
		return fmt.Errorf("%d GETs made %d QUIC connections (the server accepted %d), want 1", layersRequests, clientConns, accepted)
	}

	dgrams := udp.all()
	// The datagrams as a frame list (a ladder on the web), each labelled
	// with the QUIC packets inside it.
	fl := tap.Event("layers", r.T("the UDP datagrams of the GETs", "这些 GET 的 UDP 数据报"), udp.rec.Frames())
	for i := range fl.Frames {
		if i < len(dgrams) {
			fl.Frames[i].Flags = strings.Join(dgrams[i].Packets, "+")
		}
	}
	fl.Summarize = true // the datagrams are listed below
	r.Frames(fl)
	r.Printf(r.T("  %[1]d GETs at once from client.test:%[2]d to server.test:%[3]d/udp: %[4]s %[5]d, %[6]q",
		"  从 client.test:%[2]d 同时发出 %[1]d 个 GET 到 server.test:%[3]d/udp：%[4]s %[5]d，%[6]q"),
		layersRequests, c.port, srv.h3.port, got[0].Proto, got[0].Status, strings.TrimSpace(string(got[0].Body)))
	r.Printf(r.T("  QUIC connections: %d on the client, %d accepted by the server: the requests were streams of one connection.",
		"  QUIC 连接：客户端 %d 个，服务器接受 %d 个：这些请求是同一个连接上的不同流。"), clientConns, accepted)
	r.Printf(r.T("  The link carried %d UDP datagrams for it. The first ones (→ client to server, ← back):",
		"  链路为它传送了 %d 个 UDP 数据报。前面几个（→ 客户端到服务器，← 反向）："), len(dgrams))
	const show = 10
	for i, d := range dgrams {
		if i == show {
			r.Printf(r.T("    … and %d more (1-RTT: requests, responses, ACKs)", "    …… 另有 %d 个（1-RTT：请求、响应、ACK）"), len(dgrams)-show)
			break
		}
		arrow := "→"
		if d.Dir == netx.ServerToClient {
			arrow = "←"
		}
		r.Printf("    %s %5d B  UDP[%s]", arrow, len(d.Payload), strings.Join(d.Packets, " + "))
	}
	for _, d := range dgrams {
		r.Event("datagram", map[string]any{"dir": dirName(d.Dir), "bytes": len(d.Payload), "packets": d.Packets})
	}
	r.Measure("layers_connections", accepted, r.T("QUIC connection", "个 QUIC 连接"))
	r.Set("layers_requests", layersRequests)
	r.Set("layers_datagrams", len(dgrams))
	return nil
}

func dirName(d netx.Direction) string {
	if d == netx.ServerToClient {
		return "server-to-client"
	}
	return "client-to-server"
}
