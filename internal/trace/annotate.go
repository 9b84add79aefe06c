package trace

import (
	"context"
	"errors"
	"io"

	"github.com/netdemo/netdemo/internal/trace/capfile"
)

// Annotate copies the capture read from r to w as pcapng, adding to each
// packet a comment with its note (in opts.Lang) and its expert labels, so
// that Wireshark shows the explanation next to the packet (Packet comments,
// or the display filter frame.comment contains "retransmission").
// Comments already in the file are kept. Like [Read], it streams.
func Annotate(ctx context.Context, r io.Reader, w io.Writer, opts Options) (Summary, error) {
	rd, err := capfile.NewReader(r)
	if err != nil {
		return Summary{}, err
	}
	nw, err := capfile.NewCaptureWriter(w, capfile.CaptureOptions{Format: capfile.PCAPNG, Application: "netdemo trace"})
	if err != nil {
		return Summary{}, err
	}
	a := NewAnalyzer(opts)
	ifaces := map[[2]int]int{} // (format interface, link type) → output interface
	var comments []string
	var readErr error
	for i := 0; ; i++ {
		if i&4095 == 0 && ctx.Err() != nil {
			readErr = ctx.Err()
			break
		}
		rec, err := rd.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				readErr = err
			}
			break
		}
		key := [2]int{rec.Interface, int(rec.LinkType)}
		id, ok := ifaces[key]
		if !ok {
			if id, err = nw.AddInterface(rec.LinkType, ""); err != nil {
				return a.Summary(), err
			}
			ifaces[key] = id
		}
		a.process(rec.Time.UnixNano(), rec.LinkType, rec.Data, rec.OrigLen, rec.TimeDigits, rec.NoTime)
		comments = append(comments[:0], rec.Comments...)
		if c := a.comment(); c != "" {
			comments = append(comments, c)
		}
		if err := nw.WritePacket(id, rec.Time, rec.Data, rec.OrigLen, comments...); err != nil {
			return a.Summary(), err
		}
	}
	if err := nw.Flush(); err != nil {
		return a.Summary(), err
	}
	return a.Summary(), readErr
}

// comment is the pcapng comment for the packet just processed: its expert
// labels, then its note.
func (a *Analyzer) comment() string {
	b := a.scr[:0]
	b = append(b, a.info[:a.labelsLen]...)
	if a.nt.id != noteNone {
		b = appendNote(b, &a.nt, a.lang)
	}
	a.scr = b
	return string(b)
}
