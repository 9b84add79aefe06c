package trace

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/netdemo/netdemo/internal/packet/packettest"
	"github.com/netdemo/netdemo/internal/trace/capfile"
)

// WriteSyntheticCapture writes a valid pcap file (raw IPv4, microsecond
// timestamps) of exactly n packets: TCP connections from 192.0.2.1 to
// 192.0.2.2:5555, each a three-way handshake, a request, a bulk transfer
// of full-size segments with some losses, and a FIN teardown. Losses come
// in three kinds so every tshark analysis shows up:
//
//   - a segment lost after the capture point, followed by enough others for
//     three duplicate ACKs: a fast retransmission;
//   - a lost tail segment: a retransmission after a 200 ms timeout;
//   - a segment missing from the capture only (the capture dropped it):
//     "previous segment not captured" and "ACKed unseen segment".
//
// A few UDP datagrams fill the last packets when a connection does not fit.
// The same seed always gives the same bytes, so the file can be compared
// side by side with tshark (see internal/trace/benchtrace).
func WriteSyntheticCapture(w io.Writer, n int, seed int64) error {
	cw, err := capfile.NewCaptureWriter(w, capfile.CaptureOptions{Format: capfile.PCAP})
	if err == nil {
		_, err = cw.AddInterface(capfile.LinkRaw, "")
	}
	if err != nil {
		return fmt.Errorf("synthetic capture: %w", err)
	}
	s := &synth{
		w:    cw,
		rng:  rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)),
		t:    time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		left: n,
		port: 49152,
	}
	for s.left > 0 && s.err == nil {
		if s.left < 12 {
			s.udp()
			continue
		}
		s.connection(min(s.left, 1500+s.rng.IntN(1000)))
	}
	if s.err != nil {
		return fmt.Errorf("synthetic capture: %w", s.err)
	}
	if err := cw.Flush(); err != nil {
		return fmt.Errorf("synthetic capture: %w", err)
	}
	return nil
}

var (
	synthClient = netip.AddrFrom4([4]byte{192, 0, 2, 1})
	synthServer = netip.AddrFrom4([4]byte{192, 0, 2, 2})
)

const (
	synthMSS      = 1448
	synthRTT      = 10 * time.Millisecond
	synthRTO      = 200 * time.Millisecond
	synthWinShift = 7
	synthWin      = 502 // 502<<7 = 64256 bytes
	synthPort     = 5555
)

type synth struct {
	w    *capfile.CaptureWriter
	rng  *rand.Rand
	t    time.Time
	left int
	port uint16
	id   uint16
	buf  []byte
	err  error
}

func (s *synth) emit(seg *packettest.Segment) {
	if s.err != nil || s.left == 0 {
		return
	}
	s.id++
	seg.IP = packettest.IP{ID: s.id, DontFragment: true}
	s.buf = packettest.AppendTCP(s.buf[:0], seg)
	s.err = s.w.WritePacket(0, s.t, s.buf, 0)
	s.left--
}

// skip is a packet the capture missed: it is sent, but not written.
func (s *synth) skip(*packettest.Segment) {}

func (s *synth) advance(d time.Duration) { s.t = s.t.Add(d) }

func (s *synth) udp() {
	s.id++
	s.buf = packettest.AppendUDP(s.buf[:0], packettest.IP{ID: s.id, DontFragment: true},
		netip.AddrPortFrom(synthClient, 40001), netip.AddrPortFrom(synthServer, 40002), []byte("synthetic datagram"))
	s.err = s.w.WritePacket(0, s.t, s.buf, 0)
	s.left--
	s.advance(time.Millisecond)
}

// connection writes one TCP connection of about budget packets.
func (s *synth) connection(budget int) {
	s.port++
	if s.port < 49152 {
		s.port = 49152
	}
	// Linux numbers its packets and sets DF: so does the synthetic host.
	c2s := packettest.Segment{Src: netip.AddrPortFrom(synthClient, s.port), Dst: netip.AddrPortFrom(synthServer, synthPort), Window: synthWin}
	s2c := packettest.Segment{Src: netip.AddrPortFrom(synthServer, synthPort), Dst: netip.AddrPortFrom(synthClient, s.port), Window: synthWin}
	ciss, siss := s.rng.Uint32(), s.rng.Uint32()
	tsval := s.rng.Uint32()
	stop := s.left - budget + 7 // keep room for the request and the teardown

	// Handshake: the capture sits next to the server.
	c2s.Seq, c2s.Flags, c2s.Window, c2s.Options = ciss, flagSYN, 64240, packettest.LinuxSYNOptions(1460, tsval, 0, synthWinShift)
	s.emit(&c2s)
	s.advance(20 * time.Microsecond)
	s2c.Seq, s2c.Ack, s2c.Flags, s2c.Window, s2c.Options = siss, ciss+1, flagSYN|flagACK, 65160, packettest.LinuxSYNOptions(1460, tsval+7, tsval, synthWinShift)
	s.emit(&s2c)
	s.advance(synthRTT)
	c2s.Options, s2c.Options, s2c.Window = nil, nil, synthWin
	c2s.Seq, c2s.Ack, c2s.Flags, c2s.Window = ciss+1, siss+1, flagACK, synthWin
	s.emit(&c2s)
	s.advance(50 * time.Microsecond)
	req := []byte("SEND 1000000\n")
	c2s.Flags, c2s.Payload = flagPSH|flagACK, req
	s.emit(&c2s)
	c2s.Payload = nil
	cnext := ciss + 1 + uint32(len(req))

	// Bulk transfer, in bursts of up to ten segments per round trip.
	snext := siss + 1 // next new byte the server sends
	rcv := siss + 1   // what the client has received in order
	s2c.Ack, c2s.Seq = cnext, cnext
	for s.left > stop && s.err == nil {
		burst := min(10, s.left-stop)
		hole := -1 // index in the burst of a segment the client never gets
		capGap := -1
		switch r := s.rng.IntN(100); {
		case r < 6:
			hole = s.rng.IntN(burst)
		case r < 8:
			capGap = 1 + s.rng.IntN(max(burst-1, 1))
		}
		holeSeq := uint32(0)
		delivered := 0
		for i := range burst {
			s2c.Seq, s2c.Flags, s2c.PayloadLen = snext, flagACK, synthMSS
			if i == burst-1 {
				s2c.Flags |= flagPSH
			}
			if i == capGap && burst > 1 {
				s.skip(&s2c)
			} else {
				s.emit(&s2c)
			}
			if i == hole {
				holeSeq = snext
			} else {
				delivered++
			}
			snext += synthMSS
			s.advance(12 * time.Microsecond)
		}
		s2c.PayloadLen = 0
		// The client's answers arrive one round trip later.
		s.advance(synthRTT)
		c2s.Flags = flagACK
		if hole < 0 {
			rcv = snext
			for i := 1; i < burst; i += 2 {
				c2s.Ack = rcv - uint32(burst-1-i)*synthMSS
				s.emit(&c2s)
				s.advance(25 * time.Microsecond)
			}
			if burst%2 == 1 {
				c2s.Ack = rcv
				s.emit(&c2s)
			}
			continue
		}
		// In-order segments before the hole are acknowledged, then every
		// segment after it repeats the same ACK: duplicate ACKs.
		rcv = holeSeq
		c2s.Ack = rcv
		s.emit(&c2s)
		dups := burst - 1 - hole
		for range dups {
			s.advance(12 * time.Microsecond)
			s.emit(&c2s)
		}
		if dups >= 3 {
			s.advance(40 * time.Microsecond) // fast retransmission
		} else {
			s.advance(synthRTO) // wait for the retransmission timer
		}
		s2c.Seq, s2c.Flags, s2c.PayloadLen = holeSeq, flagACK|flagPSH, synthMSS
		s.emit(&s2c)
		s2c.PayloadLen = 0
		s.advance(synthRTT)
		rcv = snext
		c2s.Ack = rcv
		s.emit(&c2s)
		s.advance(25 * time.Microsecond)
	}

	// Teardown: the server closes first; the client answers with FIN+ACK
	// at once half of the time (three packets) or ACK then FIN (four).
	s2c.Seq, s2c.Ack, s2c.Flags = snext, cnext, flagFIN|flagACK
	s.emit(&s2c)
	s.advance(synthRTT)
	c2s.Seq, c2s.Ack = cnext, snext+1
	if s.rng.IntN(2) == 0 {
		c2s.Flags = flagACK
		s.emit(&c2s)
		s.advance(100 * time.Microsecond)
	}
	c2s.Flags = flagFIN | flagACK
	s.emit(&c2s)
	s.advance(30 * time.Microsecond)
	s2c.Seq, s2c.Ack, s2c.Flags = snext+1, cnext+1, flagACK
	s.emit(&s2c)
	s.advance(5 * time.Millisecond)
}
