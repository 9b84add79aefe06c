package tcpudp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/netdemo/netdemo/internal/netx"
	"github.com/netdemo/netdemo/internal/servers/echo"
)

// threeMessages are written one Write call (one send syscall) each.
var threeMessages = []string{"one\n", "two\n", "three\n"}

// boundaries is what the reads returned after three writes on each protocol.
type boundaries struct {
	TCPReads []string // what each read() on the TCP socket returned
	UDPReads []string // what each recvfrom() on the UDP socket returned
}

// observeBoundaries writes the three messages to each echo server, waits
// until the server has echoed them all, and then reads with a buffer big
// enough for all of them. TCP hands back one byte stream: the first read
// returns everything that has arrived, all three messages glued together.
// UDP hands back datagrams: each read returns exactly one, however big the
// buffer.
func observeBoundaries(ctx context.Context, srv *echo.Server) (boundaries, error) {
	var b boundaries
	total := 0
	for _, m := range threeMessages {
		total += len(m)
	}

	tc, err := netx.Loopback.Dial(ctx, "tcp", srv.TCPAddr().String())
	if err != nil {
		return b, fmt.Errorf("dialing the TCP echo server: %w", err)
	}
	defer tc.Close()
	before := srv.Stats()
	for _, m := range threeMessages {
		if _, err := tc.Write([]byte(m)); err != nil {
			return b, fmt.Errorf("writing %q on TCP: %w", m, err)
		}
	}
	// Wait for the echo to be back in our receive buffer, so that what one
	// read returns is not a matter of luck in scheduling.
	if err := waitUntil(ctx, func() bool { return srv.Stats().TCPBytes-before.TCPBytes >= int64(total) }); err != nil {
		return b, fmt.Errorf("waiting for the TCP echo: %w", err)
	}
	time.Sleep(5 * time.Millisecond)
	tc.SetReadDeadline(time.Now().Add(10 * time.Second))
	got := 0
	buf := make([]byte, 64<<10)
	for got < total {
		n, err := tc.Read(buf)
		if n > 0 {
			b.TCPReads = append(b.TCPReads, string(buf[:n]))
			got += n
		}
		if err != nil {
			return b, fmt.Errorf("reading the TCP echo: %w", err)
		}
	}

	uc, err := netx.Loopback.Dial(ctx, "udp", srv.UDPAddr().String())
	if err != nil {
		return b, fmt.Errorf("dialing the UDP echo server: %w", err)
	}
	defer uc.Close()
	before = srv.Stats()
	for _, m := range threeMessages {
		if _, err := uc.Write([]byte(m)); err != nil {
			return b, fmt.Errorf("sending %q on UDP: %w", m, err)
		}
	}
	if err := waitUntil(ctx, func() bool { return srv.Stats().UDPDatagrams-before.UDPDatagrams >= int64(len(threeMessages)) }); err != nil {
		return b, fmt.Errorf("waiting for the UDP echo: %w", err)
	}
	time.Sleep(5 * time.Millisecond)
	// Read until a short silence: a fourth read finding nothing shows there
	// were exactly as many datagrams as sends.
	for {
		wait := 2 * time.Second
		if len(b.UDPReads) >= len(threeMessages) {
			wait = 50 * time.Millisecond
		}
		uc.SetReadDeadline(time.Now().Add(wait))
		n, err := uc.Read(buf)
		if isTimeout(err) {
			break
		}
		if err != nil {
			return b, fmt.Errorf("reading the UDP echo: %w", err)
		}
		b.UDPReads = append(b.UDPReads, string(buf[:n]))
	}
	if len(b.UDPReads) == 0 {
		return b, errors.New("the UDP echo server answered nothing on loopback")
	}
	return b, nil
}

// waitUntil polls ok every millisecond for up to 10 s.
func waitUntil(ctx context.Context, ok func() bool) error {
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return errors.New("timed out after 10s")
		}
		time.Sleep(time.Millisecond)
	}
	return nil
}
