package trace

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/netdemo/netdemo/internal/trace/capfile"
)

// ReadFile reads the capture at path and writes one line per packet to w
// (text like tshark, or JSON Lines when opts.JSON), then, in text mode, the
// flow table and the ladder when asked, or, in JSON mode, a final
// {"kind":"result",...} object. It streams: memory stays bounded however
// large the file.
//
// When the file is truncated or corrupt, every packet that could be read is
// written first, then the error names the packet number and the problem.
func ReadFile(ctx context.Context, path string, w io.Writer, opts Options) (Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return Summary{}, fmt.Errorf("open capture: %w", err)
	}
	defer f.Close()
	sum, err := Read(ctx, f, w, opts)
	if err != nil {
		return sum, fmt.Errorf("read %s: %w", path, err)
	}
	return sum, nil
}

// jsonPacket is one line of JSON output.
type jsonPacket struct {
	Kind string `json:"kind"`
	Packet
}

// Result is the last line of JSON output: {"kind":"result", the counts of
// [Summary] at the top level ("packets", "flows", "handshakes"...), the
// per-flow list under "flow_list", and "error" when the file could not be
// read to its end. `netdemo run trace --json` ends with the same shape.
type Result struct {
	Kind string `json:"kind"` // "result"
	Summary
	FlowList []Flow `json:"flow_list"`
	Error    string `json:"error,omitempty"`
}

// Read is [ReadFile] for a capture already open.
func Read(ctx context.Context, r io.Reader, w io.Writer, opts Options) (Summary, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	a := NewAnalyzer(opts)
	rd, err := capfile.NewReader(r)
	if err != nil {
		return Summary{}, err
	}
	if rd.Format() == capfile.PCAP && !linkSupported(rd.LinkType()) {
		return Summary{}, &UnsupportedLinkTypeError{rd.LinkType()}
	}
	var (
		enc     = json.NewEncoder(bw)
		ladder  []Packet
		readErr error
	)
	enc.SetEscapeHTML(false)
	for i := 0; ; i++ {
		if i&4095 == 0 {
			if err := ctx.Err(); err != nil {
				readErr = err
				break
			}
		}
		rec, err := rd.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				readErr = err
			}
			break
		}
		a.process(rec.Time.UnixNano(), rec.LinkType, rec.Data, rec.OrigLen, rec.TimeDigits, rec.NoTime)
		switch {
		case opts.JSON:
			if err := enc.Encode(jsonPacket{"packet", a.packet()}); err != nil {
				return a.Summary(), fmt.Errorf("write: %w", err)
			}
		default:
			b := a.appendLine(bw.AvailableBuffer())
			if _, err := bw.Write(b); err != nil {
				return a.Summary(), fmt.Errorf("write: %w", err)
			}
		}
		if len(ladder) < opts.Ladder {
			ladder = append(ladder, a.packet())
		}
	}
	sum := a.Summary()
	if opts.JSON {
		res := Result{Kind: "result", Summary: sum, FlowList: a.Flows()}
		if readErr != nil {
			res.Error = readErr.Error()
		}
		if err := enc.Encode(res); err != nil {
			return sum, fmt.Errorf("write: %w", err)
		}
	} else {
		if opts.Ladder > 0 && len(ladder) > 0 {
			bw.WriteString("\n")
			WriteLadder(bw, ladder, LadderOptions{Notes: opts.Notes})
		}
		if opts.Flows {
			bw.WriteString("\n")
			WriteFlows(bw, a.Flows(), opts.Lang)
			WriteSummary(bw, sum, opts.Lang)
		}
	}
	if err := bw.Flush(); err != nil {
		return sum, fmt.Errorf("write: %w", err)
	}
	return sum, readErr
}
