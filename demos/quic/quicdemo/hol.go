package quicdemo

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/packet"
	"github.com/netdemo/netdemo/internal/tap"
)

// holTrial is one head-of-line experiment: the same N equal downloads, in
// parallel on one connection, over HTTP/2 (streams in one TCP byte stream)
// and over HTTP/3 (QUIC streams, each delivered on its own), on one lossy
// lab.
type holTrial struct {
	Seed int64
	H2   []time.Duration // completion time of each stream, in stream order
	H3   []time.Duration
	// Dropped counts the frames the link lost, by direction, over the
	// whole trial (handshakes included).
	Dropped [2]int
	// FirstRTTBytes is how many payload bytes each server put on the link
	// in its first round trip of the downloads (HTTP/2, HTTP/3): with more
	// data waiting than that, it is the server's initial congestion
	// window, which differs between the two stacks and is no part of
	// head-of-line blocking.
	FirstRTTBytes [2]int
}

// priority asks both servers to interleave the responses (RFC 9218
// "incremental"), so that the two protocols schedule the same way and only
// their transports differ. Go's HTTP/2 server round-robins anyway;
// quic-go's HTTP/3 server honours the header.
var priority = http.Header{"Priority": {"u=3, i"}}

// runHOL runs one trial on srv: HTTP/2 first, then HTTP/3. starts are
// when each protocol's downloads began.
func runHOL(ctx context.Context, b bed, srv *servers, streams, size int) (h2, h3 []time.Duration, starts [2]time.Time, err error) {
	t := tcpClient(b, srv.https.port, srv.tlsClient, 0, true)
	defer t.CloseIdleConnections()
	h2, starts[0], err = parallel(ctx, t, "HTTP/2.0", func(path string) string { return tcpURL(true, srv.https.port, path) }, streams, size)
	if err != nil {
		return nil, nil, starts, fmt.Errorf("HTTP/2: %w", err)
	}
	if n := srv.https.conns.Load(); n != 1 {
		return nil, nil, starts, fmt.Errorf("HTTP/2 used %d TCP connections, want 1", n)
	}
	c, err := newH3Client(ctx, b, srv.h3.port, srv.tlsClient)
	if err != nil {
		return nil, nil, starts, err
	}
	defer c.Close()
	h3, starts[1], err = parallel(ctx, c.rt, "HTTP/3.0", func(path string) string { return h3URL(srv.h3.port, path) }, streams, size)
	if err != nil {
		return nil, nil, starts, fmt.Errorf("HTTP/3: %w", err)
	}
	if n := len(c.Conns()); n != 1 {
		return nil, nil, starts, fmt.Errorf("HTTP/3 used %d QUIC connections, want 1", n)
	}
	return h2, h3, starts, nil
}

// parallel opens the connection with one small request (so that the
// handshake is not part of the timing), then starts streams GETs of size
// bytes at once and returns when each one's last byte arrived.
func parallel(ctx context.Context, rt http.RoundTripper, proto string, url func(string) string, streams, size int) ([]time.Duration, time.Time, error) {
	warm, err := fetch(ctx, rt, http.MethodGet, url("/"), nil)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("opening the connection: %w", err)
	}
	if warm.Proto != proto {
		return nil, time.Time{}, fmt.Errorf("the server spoke %s, want %s", warm.Proto, proto)
	}
	done := make([]time.Duration, streams)
	errs := make([]error, streams)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range streams {
		wg.Go(func() {
			<-start
			f, err := fetch(ctx, rt, http.MethodGet, url(fmt.Sprintf("/blob?n=%d&stream=%d", size, i)), priority)
			switch {
			case err != nil:
				errs[i] = err
			case f.Status != http.StatusOK || len(f.Body) != size:
				errs[i] = fmt.Errorf("stream %d: got %d with %d bytes, want 200 with %d", i, f.Status, len(f.Body), size)
			default:
				done[i] = f.Done
			}
		})
	}
	began := time.Now()
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, began, err
		}
	}
	return done, began, nil
}

// percentile returns the p-th percentile (0 to 100) of ds by the
// nearest-rank method: always one of the measured values.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := int(p/100*float64(len(s)) + 0.999999)
	rank = max(1, min(rank, len(s)))
	return s[rank-1]
}

// holParallel is how many seeds run at once. Each trial has a lab of its
// own, and the transfers wait on the link's RTT, not on the CPU, so trials
// side by side do not slow each other measurably, and the default run stays
// a few seconds long.
const holParallel = 5

// runHOLSeeds runs one trial per seed, --seed first, on a link with the
// run's RTT and --hol-loss.
func runHOLSeeds(ctx context.Context, r *demo.Run, o *options) ([]holTrial, error) {
	link := r.Link
	link.Loss = o.HolLoss
	trials := make([]holTrial, o.HolSeeds)
	errs := make([]error, o.HolSeeds)
	sem := make(chan struct{}, holParallel)
	var wg sync.WaitGroup
	for i := range o.HolSeeds {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			trials[i], errs[i] = holTrialAt(ctx, r, link, r.Seed+int64(i), o.Streams, int(o.Size))
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("seed %d: %w", r.Seed+int64(i), err)
		}
	}
	return trials, nil
}

// holTrialAt runs one trial on a fresh lab with the given seed.
func holTrialAt(ctx context.Context, r *demo.Run, link lab.Link, seed int64, streams, size int) (holTrial, error) {
	l, err := r.NewLabWith(link, seed)
	if err != nil {
		return holTrial{}, err
	}
	defer l.Close()
	b := labBed(l)
	srv, err := startServers(ctx, b)
	if err != nil {
		return holTrial{}, err
	}
	defer srv.Close()
	rec := tap.Record(l, func(f tap.Frame) bool { return f.Dir == netx.ServerToClient && len(f.Pkt.Payload) > 0 })
	defer rec.Stop()
	h2, h3, starts, err := runHOL(ctx, b, srv, streams, size)
	if err != nil {
		return holTrial{}, err
	}
	t := holTrial{Seed: seed, H2: h2, H3: h3, Dropped: l.Stats().Dropped}
	t.FirstRTTBytes = firstRTTBytes(rec.Frames(), starts, link.RTT)
	return t, nil
}

// firstRTTBytes sums the payload each server sent in its first round trip
// of the downloads: from when the requests reached it (half an RTT after
// they left) to one RTT later. TCP frames are HTTP/2's, UDP frames
// HTTP/3's; dropped frames count, since the server did send them.
func firstRTTBytes(frames []tap.Frame, starts [2]time.Time, rtt time.Duration) [2]int {
	var out [2]int
	for i, proto := range []int{packet.TCP, packet.UDP} {
		from := starts[i].Add(rtt / 2)
		to := from.Add(rtt)
		for _, f := range frames {
			if f.Pkt.Proto == proto && !f.At.Before(from) && f.At.Before(to) {
				out[i] += len(f.Pkt.Payload)
			}
		}
	}
	return out
}
