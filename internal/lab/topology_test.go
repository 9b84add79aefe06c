package lab

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netdemo/netdemo/internal/netx"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// threeHosts is client → proxy → server, with a different RTT on each link.
func threeHosts(t *testing.T) *Lab {
	t.Helper()
	return newTestLab(t, Config{Seed: 1, Link: Link{RTT: 4 * time.Millisecond}, Topology: &Topology{
		Hosts: []string{"client", "proxy", "server"},
		Links: []Cable{
			{A: "client", B: "proxy"}, // Config.Link
			{A: "proxy", B: "server", Link: &Link{RTT: 10 * time.Millisecond}},
		},
	}})
}

// relay accepts on the proxy and copies each connection to and from a new
// connection it dials to target: a TCP proxy in 20 lines.
func relay(t *testing.T, proxy *Host, target string) net.Listener {
	t.Helper()
	ln, err := proxy.Listen(context.Background(), "tcp", ":8080")
	if err != nil {
		t.Fatalf("proxy Listen: %v", err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			down, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer down.Close()
				up, err := proxy.Dial(context.Background(), "tcp", target)
				if err != nil {
					return
				}
				defer up.Close()
				done := make(chan struct{})
				go func() {
					io.Copy(up, down)
					up.(interface{ CloseWrite() error }).CloseWrite()
					close(done)
				}()
				io.Copy(down, up)
				<-done
			}()
		}
	}()
	return ln
}

func TestProxyTopology(t *testing.T) {
	l := threeHosts(t)
	client, proxy, server := l.Host("client"), l.Host("proxy.test"), l.Host("server")
	if client == nil || proxy == nil || server == nil || l.Client() != client || l.Server() != server {
		t.Fatalf("Host lookups: client %v proxy %v server %v, Client() %v Server() %v", client, proxy, server, l.Client(), l.Server())
	}
	wantAddrs := map[*Host][]netip.Addr{
		client: {LinkAddr(0, 0)},
		proxy:  {LinkAddr(0, 1), LinkAddr(1, 0)},
		server: {LinkAddr(1, 1)},
	}
	for h, want := range wantAddrs {
		if got := h.Addrs(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%v has addresses %v, want %v", h, got, want)
		}
	}
	if l.Links() != 2 || l.LinkOf(0).RTT != 4*time.Millisecond || l.LinkOf(1).RTT != 10*time.Millisecond {
		t.Errorf("links: %d, RTTs %v and %v; want 2, 4ms (Config.Link) and 10ms", l.Links(), l.LinkOf(0).RTT, l.LinkOf(1).RTT)
	}

	// Every host resolves every name; a name means the address on the
	// link the two share.
	for _, h := range []*Host{client, proxy, server} {
		for name, want := range map[string]netip.Addr{
			"client.test": client.Addr(),
			"server.test": server.Addr(),
		} {
			got, err := h.lookup(name, false)
			if err != nil || got != want {
				t.Errorf("%v resolves %s to %v, %v; want %v", h, name, got, err, want)
			}
		}
	}
	if got, _ := client.lookup("proxy.test", false); got != LinkAddr(0, 1) {
		t.Errorf("client resolves proxy.test to %v, want its address on their link %v", got, LinkAddr(0, 1))
	}
	if got, _ := server.lookup("proxy.test", false); got != LinkAddr(1, 0) {
		t.Errorf("server resolves proxy.test to %v, want its address on their link %v", got, LinkAddr(1, 0))
	}

	var mu sync.Mutex
	perLink := map[int][]Frame{}
	l.AddTap(func(f Frame) {
		mu.Lock()
		perLink[f.Link] = append(perLink[f.Link], f)
		mu.Unlock()
	})

	// The app on the server; the relay on the proxy.
	app, err := server.Listen(context.Background(), "tcp", ":80")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s from %s, you came from %s", r.Host, server.Name(), r.RemoteAddr)
	})}
	go srv.Serve(app)
	t.Cleanup(func() { srv.Close() })
	relay(t, proxy, ServerName+":80")

	// The client cannot reach the server directly: hosts do not forward.
	ctx := testContext(t, 20*time.Second)
	if c, err := client.Dial(ctx, "tcp", ServerName+":80"); err == nil {
		c.Close()
		t.Errorf("client dialled the server directly, want no route: the proxy does not forward")
	}

	hc := &http.Client{Transport: &http.Transport{DialContext: client.Dial}}
	resp, err := hc.Get("http://proxy.test:8080/")
	if err != nil {
		t.Fatalf("GET through the proxy: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET through the proxy: %v %v", resp.Status, err)
	}
	want := fmt.Sprintf("hello proxy.test:8080 from server.test, you came from %v:", LinkAddr(1, 0))
	if !strings.HasPrefix(string(body), want) {
		t.Errorf("body %q, want it to start %q (the server sees the proxy, not the client)", body, want)
	}

	mu.Lock()
	defer mu.Unlock()
	for i, ends := range [][2]netip.Addr{{LinkAddr(0, 0), LinkAddr(0, 1)}, {LinkAddr(1, 0), LinkAddr(1, 1)}} {
		fs := perLink[i]
		var httpFrames int
		for _, f := range fs {
			ip := header.IPv4(f.Data)
			src, dst := netip.AddrFrom4(ip.SourceAddress().As4()), netip.AddrFrom4(ip.DestinationAddress().As4())
			wantSrc, wantDst := ends[0], ends[1]
			if f.Dir == netx.ServerToClient {
				wantSrc, wantDst = wantDst, wantSrc
			}
			if src != wantSrc || dst != wantDst {
				t.Errorf("link %d: frame #%d %v goes %v → %v, want %v → %v", i, f.N, f.Dir, src, dst, wantSrc, wantDst)
			}
			if tcp, n, ok := tcpSegment(f.Data); ok && n > 0 && strings.Contains(string(tcp.Payload()), "HTTP/1.1") {
				httpFrames++
			}
		}
		if httpFrames < 2 {
			t.Errorf("link %d: %d frames carried HTTP, want the request and the response on both links", i, httpFrames)
		}
		if s := l.StatsOf(i); s.Frames[0]+s.Frames[1] != len(fs) {
			t.Errorf("link %d: StatsOf counts %v frames, the tap saw %d", i, s.Frames, len(fs))
		}
		t.Logf("link %d: %d frames, %d with HTTP", i, len(fs), httpFrames)
	}
}

func TestTopologyErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		topo Topology
		want string
	}{
		{"one host", Topology{Hosts: []string{"a"}, Links: []Cable{{A: "a", B: "a"}}}, "at least two hosts"},
		{"twice", Topology{Hosts: []string{"a", "A.test"}, Links: []Cable{{A: "a", B: "a"}}}, "twice"},
		{"unknown", Topology{Hosts: []string{"a", "b"}, Links: []Cable{{A: "a", B: "c"}}}, "not both among its hosts"},
		{"self", Topology{Hosts: []string{"a", "b"}, Links: []Cable{{A: "a", B: "a"}}}, "to itself"},
		{"bad link", Topology{Hosts: []string{"a", "b"}, Links: []Cable{{A: "a", B: "b", Link: &Link{Loss: 2}}}}, "Loss"},
		{"localhost", Topology{Hosts: []string{"localhost", "b"}, Links: []Cable{{A: "localhost", B: "b"}}}, "not usable"},
	} {
		_, err := New(Config{Topology: &tc.topo})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: New = %v, want an error about %q", tc.name, err, tc.want)
		}
	}
}

func TestLinkAddresses(t *testing.T) {
	for _, tc := range []struct {
		link, side int
		want       string
	}{
		{0, 0, "192.0.2.1"}, {0, 1, "192.0.2.2"}, {1, 0, "198.51.100.1"}, {2, 1, "203.0.113.2"},
		{3, 0, "198.18.0.1"}, {3 + 256, 1, "198.19.0.2"}, {maxLinks - 1, 0, "198.19.255.1"},
	} {
		if got := LinkAddr(tc.link, tc.side).String(); got != tc.want {
			t.Errorf("LinkAddr(%d, %d) = %s, want %s", tc.link, tc.side, got, tc.want)
		}
	}
	if ClientAddr.String() != "192.0.2.1" || ServerAddr.String() != "192.0.2.2" {
		t.Errorf("preset addresses %v, %v; want 192.0.2.1, 192.0.2.2", ClientAddr, ServerAddr)
	}
}
