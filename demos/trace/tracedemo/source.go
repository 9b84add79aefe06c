package tracedemo

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/netdemo/netdemo/demos/trace/tracedemo/live"
	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/tap"
)

// packet is one captured IPv4 packet, whichever source captured it.
type packet struct {
	At      time.Time
	Data    []byte
	Dropped bool // the lab's link lost it (a sniffer at the sender still saw it)
}

// capture is what a source hands to the analysis.
type capture struct {
	Packets  []packet
	Exchange *exchangeResult
	Live     bool     // captured on the kernel's loopback
	Ports    [2]int   // HTTP(S) and UDP server ports
	KeyLog   []byte   // NSS key log lines when the exchange used TLS
	Link     lab.Link // the lab's link (zero for a live capture)
}

// keyLog collects crypto/tls's NSS key log lines (tls.Config.KeyLogWriter).
type keyLog struct {
	mu  sync.Mutex
	buf []byte
}

func (k *keyLog) Write(p []byte) (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.buf = append(k.buf, p...)
	return len(p), nil
}

func (k *keyLog) bytes() []byte {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]byte(nil), k.buf...)
}

// tlsConfigs returns the demo PKI's server and client configs, the client
// writing its session secrets to kl, or nils without --tls.
func tlsConfigs(on bool, serverName string, kl *keyLog) (*tls.Config, *tls.Config, error) {
	if !on {
		return nil, nil, nil
	}
	p, err := certsDemo()
	if err != nil {
		return nil, nil, fmt.Errorf("making the demo certificates: %w", err)
	}
	cc := p.ClientConfig(serverName)
	cc.KeyLogWriter = kl
	return p.ServerConfig(), cc, nil
}

// captureLab runs the exchange on the virtual lab and returns every frame
// the link saw, dropped ones included: the same frames --pcap records.
func captureLab(ctx context.Context, r *demo.Run, useTLS bool) (*capture, error) {
	l, err := r.NewLab()
	if err != nil {
		return nil, err
	}
	rec := tap.Record(l, nil)
	defer rec.Stop()

	kl := &keyLog{}
	stls, ctls, err := tlsConfigs(useTLS, lab.ServerName, kl)
	if err != nil {
		return nil, err
	}
	port := 80
	if useTLS {
		port = 443
	}
	ep := endpoints{
		server: l.Server(), client: l.Client(),
		httpListen: fmt.Sprintf("%s:%d", lab.ServerName, port),
		udpListen:  lab.ServerName + ":7",
		host:       lab.ServerName,
	}
	s, err := startServers(ctx, ep, stls)
	if err != nil {
		return nil, err
	}
	link := l.Link()
	lastFrame := rec.LastSeen
	settle := func() { waitQuiet(ctx, max(2*link.RTT+2*link.Jitter, 50*time.Millisecond), 3*time.Second, lastFrame) }
	ex, err := runExchange(ctx, ep, s, ctls, udpTimeout(link.RTT), settle)
	if err != nil {
		s.close()
		return nil, err
	}
	// The last ACK of the teardown trails the client's close: wait until
	// the link has been quiet for a while, then stop the lab, so the frames
	// analysed are exactly the frames --pcap holds.
	quiet := max(4*link.RTT+4*link.Jitter, 300*time.Millisecond)
	waitQuiet(ctx, quiet, 5*time.Second, lastFrame)
	s.close()
	if err := l.Close(); err != nil {
		return nil, fmt.Errorf("closing the lab: %w", err)
	}
	var pkts []packet
	for _, f := range rec.Frames() {
		pkts = append(pkts, packet{At: f.At, Data: f.Data, Dropped: f.Dropped()})
	}
	return &capture{Packets: pkts, Exchange: ex, Ports: [2]int{port, 7}, KeyLog: kl.bytes(), Link: link}, nil
}

// udpTimeout is how long the UDP client waits for the reply before asking
// again: a few round trips.
func udpTimeout(rtt time.Duration) time.Duration { return max(4*rtt, 250*time.Millisecond) }

// waitQuiet returns once last() is at least quiet ago, or after maxWait.
func waitQuiet(ctx context.Context, quiet, maxWait time.Duration, last func() time.Time) {
	deadline := time.Now().Add(maxWait)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		idle := time.Since(last())
		if idle >= quiet {
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(quiet - idle + time.Millisecond):
		}
	}
}

// openLive is the raw-socket opener; tests replace it to see the fallback
// without dropping privileges.
var openLive = live.Open

// captureLive runs the exchange on kernel sockets on 127.0.0.1 while a raw
// socket captures it. A nil capture and a nil error mean live capture is
// not possible here; the reason has been printed in one line.
func captureLive(ctx context.Context, r *demo.Run, useTLS bool) (*capture, error) {
	kl := &keyLog{}
	stls, ctls, err := tlsConfigs(useTLS, "localhost", kl)
	if err != nil {
		return nil, err
	}
	ep := endpoints{
		server: netx.Loopback, client: netx.Loopback,
		httpListen: "127.0.0.1:0", udpListen: "127.0.0.1:0", host: "127.0.0.1",
	}
	s, err := startServers(ctx, ep, stls)
	if err != nil {
		return nil, err
	}
	defer s.close()
	c, err := openLive(live.Filter{TCPPorts: []int{s.httpPort()}, UDPPorts: []int{s.udpPort()}})
	if err != nil {
		r.Printf("%s", liveUnavailable(r, err))
		return nil, nil
	}
	ex, err := runExchange(ctx, ep, s, ctls, udpTimeout(0), func() { time.Sleep(50 * time.Millisecond) })
	if err != nil {
		c.Stop(0, 0)
		return nil, err
	}
	lp, err := c.Stop(300*time.Millisecond, 5*time.Second)
	if err != nil {
		return nil, err
	}
	pkts := make([]packet, len(lp))
	for i, p := range lp {
		pkts[i] = packet{At: p.At, Data: p.Data}
	}
	return &capture{Packets: pkts, Exchange: ex, Live: true, Ports: [2]int{s.httpPort(), s.udpPort()}, KeyLog: kl.bytes()}, nil
}

// liveUnavailable is the one line that says why --live fell back to the lab.
func liveUnavailable(r *demo.Run, err error) string {
	switch {
	case errors.Is(err, live.ErrPermission):
		return r.T(
			"--live: opening a raw socket needs CAP_NET_RAW, which this process lacks; run as root or grant it (go build -o netdemo ./cmd/netdemo && sudo setcap cap_net_raw+ep ./netdemo). Using the virtual lab instead.",
			"--live：打开原始套接字需要 CAP_NET_RAW 权限，本进程没有；请以 root 运行或授予权限（go build -o netdemo ./cmd/netdemo && sudo setcap cap_net_raw+ep ./netdemo）。改用虚拟实验网络。")
	case errors.Is(err, live.ErrUnsupported):
		return r.T(
			fmt.Sprintf("--live: capturing on the loopback is implemented for Linux only (this is %s). Using the virtual lab instead.", runtime.GOOS),
			fmt.Sprintf("--live：回环网卡抓包只在 Linux 上实现（当前系统是 %s）。改用虚拟实验网络。", runtime.GOOS))
	}
	return r.T("--live: cannot capture on the loopback ("+err.Error()+"). Using the virtual lab instead.",
		"--live：无法在回环网卡上抓包（"+err.Error()+"）。改用虚拟实验网络。")
}
