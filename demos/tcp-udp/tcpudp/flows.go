package tcpudp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync/atomic"
	"time"
)

// gap is the pace of the numbered messages: one every 2 ms, like a game
// sending position updates. A steady pace is what lets head-of-line blocking
// show: while TCP waits to repair one lost segment, the messages sent after
// it pile up behind it.
const gap = 2 * time.Millisecond

// delivery is what one protocol did with n numbered messages, as observed
// by the sender and the receiver, both in this process.
type delivery struct {
	Sent      int
	Delivered int             // distinct messages received
	InOrder   bool            // every message arrived after all lower-numbered ones
	Reordered int             // messages that arrived after a higher-numbered one
	Dups      int             // extra copies received (UDP on a duplicating link)
	Latency   []time.Duration // send → receive, of each message delivered
	WriteAt   []time.Time     // when message i was written
	ReadAt    []time.Time     // when message i was read (zero: never)
	// StoppedAfter, when not zero, is how long the receiver waited before
	// the time budget stopped it with messages still missing.
	StoppedAfter time.Duration
}

// pace sends messages 0..n-1 through send, message i at start + i×gap, and
// returns the send times.
func pace(ctx context.Context, n int, send func(seq int) error) ([]time.Time, error) {
	sentAt := make([]time.Time, n)
	start := time.Now()
	for i := range n {
		if d := time.Until(start.Add(time.Duration(i) * gap)); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				return sentAt[:i], ctx.Err()
			case <-t.C:
			}
		}
		sentAt[i] = time.Now()
		if err := send(i); err != nil {
			return sentAt[:i], fmt.Errorf("sending message %d: %w", i, err)
		}
	}
	return sentAt, nil
}

// sendTCP sends n messages on client while the server side reads them.
// TCP is a byte stream: the receiver cuts it back into messages by their
// fixed size, and checks that every message arrives, in order. TCP never
// gives up by itself on a very lossy link (its timer backs off, again and
// again), so the wait is bounded by budget: past it the receiver stops and
// the delivery says how far it got. progress is told how many messages
// have arrived, a few times a second.
func sendTCP(ctx context.Context, client, server net.Conn, n int, budget time.Duration, progress func(got int)) (delivery, error) {
	recvAt := make([]time.Time, n)
	var arrived atomic.Int64
	type outcome struct {
		got     int
		inOrder bool
		err     error
	}
	done := make(chan outcome, 1)
	go func() {
		o := outcome{inOrder: true}
		buf := make([]byte, msgSize)
		for o.got < n {
			if _, err := io.ReadFull(server, buf); err != nil {
				o.err = fmt.Errorf("reading message %d of the TCP stream: %w", o.got, err)
				break
			}
			now := time.Now()
			seq, err := parseMessage(buf)
			if err != nil || seq >= n {
				o.err = fmt.Errorf("TCP message %d: %v", o.got, err)
				break
			}
			if seq != o.got {
				o.inOrder = false
			}
			if recvAt[seq].IsZero() {
				recvAt[seq] = now
			}
			o.got++
			arrived.Store(int64(o.got))
		}
		done <- o
	}()
	start := time.Now()

	sentAt, err := pace(ctx, n, func(seq int) error {
		_, err := client.Write(makeMessage(seq))
		return err
	})
	if err != nil {
		client.Close()
		server.Close()
		<-done
		return delivery{}, err
	}
	// TCP keeps retransmitting until every byte is acknowledged; wait for
	// the receiver to have them all, the budget to run out, or the run to
	// be interrupted.
	var o outcome
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	over := time.NewTimer(max(budget-time.Since(start), 0))
	defer over.Stop()
	stopped := false
wait:
	for {
		select {
		case o = <-done:
			break wait
		case <-tick.C:
			progress(int(arrived.Load()))
		case <-over.C:
			stopped = true
			server.Close()
			o = <-done
			o.err = nil
			break wait
		case <-ctx.Done():
			server.Close()
			<-done
			return delivery{}, ctx.Err()
		}
	}
	if o.err != nil {
		return delivery{}, o.err
	}
	d := delivery{Sent: n, Delivered: o.got, InOrder: o.inOrder, WriteAt: sentAt, ReadAt: recvAt, StoppedAfter: 0}
	if stopped {
		d.StoppedAfter = time.Since(start)
	}
	d.Latency = latencies(sentAt, recvAt)
	return d, nil
}

// sendUDP sends n datagrams on client while server receives what arrives.
// Nothing repairs a loss. The receiver stops listening once it has as many
// datagrams as onWire says the link let through (the tap knows), or at the
// latest quiet after the last send; what has not arrived then is lost.
func sendUDP(ctx context.Context, client net.Conn, server net.PacketConn, n int, quiet time.Duration, onWire func() int) (delivery, error) {
	recvAt := make([]time.Time, n)
	type outcome struct {
		reordered, dups int
		err             error
	}
	done := make(chan outcome, 1)
	var got atomic.Int64 // distinct datagrams received so far
	// A generous deadline until the sender knows when it finished.
	server.SetReadDeadline(time.Now().Add(time.Duration(n)*gap + quiet + 10*time.Second))
	go func() {
		var o outcome
		buf := make([]byte, 2048)
		highest := -1
		for {
			k, _, err := server.ReadFrom(buf)
			if err != nil {
				if !isTimeout(err) {
					o.err = fmt.Errorf("receiving datagrams: %w", err)
				}
				break
			}
			now := time.Now()
			seq, err := parseMessage(buf[:k])
			if err != nil || seq >= n {
				continue // not one of ours: UDP delivers whatever anyone sends
			}
			if !recvAt[seq].IsZero() {
				o.dups++
				continue
			}
			recvAt[seq] = now
			got.Add(1)
			if seq < highest {
				o.reordered++
			}
			highest = max(highest, seq)
		}
		done <- o
	}()

	sentAt, err := pace(ctx, n, func(seq int) error {
		_, err := client.Write(makeMessage(seq))
		return err
	})
	if err != nil {
		server.SetReadDeadline(time.Now())
		<-done
		return delivery{}, err
	}
	server.SetReadDeadline(time.Now().Add(quiet))
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	var o outcome
wait:
	for {
		select {
		case o = <-done:
			break wait
		case <-tick.C:
			if got.Load() >= int64(onWire()) {
				server.SetReadDeadline(time.Now()) // everything the link let through is here
			}
		case <-ctx.Done():
			server.SetReadDeadline(time.Now())
			<-done
			return delivery{}, ctx.Err()
		}
	}
	if o.err != nil {
		return delivery{}, o.err
	}
	d := delivery{Sent: n, Reordered: o.reordered, Dups: o.dups, WriteAt: sentAt, ReadAt: recvAt}
	d.Latency = latencies(sentAt, recvAt)
	d.Delivered = len(d.Latency)
	d.InOrder = o.reordered == 0 && d.Delivered == n
	return d, nil
}

// latencies pairs send and receive times of the messages that arrived.
func latencies(sentAt, recvAt []time.Time) []time.Duration {
	var out []time.Duration
	for i, r := range recvAt {
		if !r.IsZero() && i < len(sentAt) {
			out = append(out, r.Sub(sentAt[i]))
		}
	}
	return out
}

// isTimeout reports a read deadline that passed. The kernel's sockets say
// os.ErrDeadlineExceeded; gVisor's say so through net.Error's Timeout.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}
