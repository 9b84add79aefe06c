package lab

import (
	"fmt"

	"github.com/netdemo/netdemo/internal/trace/capfile"
)

// The capture (Config.Capture) is what a sniffer on the sender's side of
// each wire would record, before the link decided anything: every frame,
// dropped ones included, and a duplicated frame twice, as it crossed the
// wire twice. The record times are the wall-clock times the sending host
// handed the frame over (Frame.At), so a capture shows the sender's timing.
// Packets start with their IPv4 header (LINKTYPE_RAW, 101: Wireshark,
// tshark and tcpdump all read it; 228, LINKTYPE_IPV4, is newer and less
// widely supported).

// Comments on the frames of a pcapng capture whose fate a reader cannot
// see in the packets themselves.
const (
	commentDropped    = "dropped by the lab's link: the receiver never got it"
	commentDuplicated = "duplicated by the lab's link: it crossed the wire twice"
)

// declareInterfaces gives each link its interface in the capture, in the
// order of Topology.Links, so interface i is link i (Frame.Link), and
// flushes, so that a destination that cannot be written fails New rather
// than Close.
func (l *Lab) declareInterfaces(topo Topology) error {
	if l.capture == nil {
		return nil
	}
	for i, c := range topo.Links {
		name := fmt.Sprintf("link %d: %s–%s", i, HostName(c.A), HostName(c.B))
		if _, err := l.capture.AddInterface(capfile.LinkRaw, name); err != nil {
			return fmt.Errorf("lab: writing the capture: %w", err)
		}
	}
	if err := l.capture.Flush(); err != nil {
		return fmt.Errorf("lab: writing the capture header: %w", err)
	}
	return nil
}

// record writes f to the capture. It is called under Lab.mu, in frame
// order. A write error is kept by the writer and returned by Close.
func (l *Lab) record(f *Frame) {
	var note string
	switch f.Fate {
	case Dropped:
		note = commentDropped
	case Duplicated:
		note = commentDuplicated
	}
	if note == "" {
		l.capture.WritePacket(f.Link, f.At, f.Data, 0)
		return
	}
	l.capture.WritePacket(f.Link, f.At, f.Data, 0, note)
	if f.Fate == Duplicated {
		l.capture.WritePacket(f.Link, f.At, f.Data, 0, note)
	}
}
