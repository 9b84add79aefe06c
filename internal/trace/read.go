package trace

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync/atomic"

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
//
// It uses two goroutines, three for a file: one decodes and analyses the
// packets in order (the analysis needs them one after the other), another
// formats and writes them, batch by batch, in the same order, and for an
// *os.File a third reads the file ahead (capfile.NewFileReader). Batches
// and buffers are reused, so memory stays flat.
func Read(ctx context.Context, r io.Reader, w io.Writer, opts Options) (Summary, error) {
	a := NewAnalyzer(opts)
	var rd *capfile.Reader
	var err error
	if f, ok := r.(*os.File); ok {
		rd, err = capfile.NewFileReader(f) // reads ahead on a third goroutine
	} else {
		rd, err = capfile.NewReader(r)
	}
	if err != nil {
		return Summary{}, err
	}
	defer rd.Close()
	if rd.Format() == capfile.PCAP && !linkSupported(rd.LinkType()) {
		return Summary{}, &UnsupportedLinkTypeError{rd.LinkType()}
	}
	p := newPrinter(w, &opts, a.lang)
	var ladder []Packet
	readErr := a.analyzeAll(ctx, rd, p, func(rec *outRec, arena []byte) {
		if len(ladder) < opts.Ladder {
			ladder = append(ladder, rec.packet(arena, a.lang))
		}
	})
	if err := p.close(); err != nil {
		return a.Summary(), fmt.Errorf("write: %w", err)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	sum := a.Summary()
	if opts.JSON {
		res := Result{Kind: "result", Summary: sum, FlowList: a.Flows()}
		if readErr != nil {
			res.Error = readErr.Error()
		}
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
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

// analyzeAll analyses every packet of rd, in batches handed to p; each
// record is also shown to keep (in this goroutine) before it is sent. It
// returns the error that stopped the reading (nil at the end of the file).
func (a *Analyzer) analyzeAll(ctx context.Context, rd *capfile.Reader, p *printer, keep func(*outRec, []byte)) error {
	for n := 0; ; {
		b := p.get()
		if b == nil {
			return nil // the printer failed; close reports why
		}
		for len(b.recs) < batchSize {
			if n&4095 == 0 {
				if err := ctx.Err(); err != nil {
					p.put(b)
					return err
				}
			}
			n++
			rec, err := rd.Next()
			if err != nil {
				p.put(b)
				if errors.Is(err, io.EOF) {
					return nil
				}
				return err
			}
			a.process(rec.Time.UnixNano(), rec.LinkType, rec.Data, rec.OrigLen, rec.TimeDigits, rec.NoTime)
			b.recs = append(b.recs, outRec{})
			out := &b.recs[len(b.recs)-1]
			b.arena = a.record(out, b.arena)
			keep(out, b.arena)
		}
		p.put(b)
	}
}

// batchSize is how many packets go to the printer at a time: enough that
// handing a batch over costs nothing per packet, few enough that the
// batches in flight take a few hundred kilobytes.
const batchSize = 512

type batch struct {
	recs  []outRec
	arena []byte
}

// printer formats and writes batches of records on its own goroutine,
// into a buffer of its own that it writes out when nearly full.
type printer struct {
	w      io.Writer
	buf    []byte
	opts   *Options
	lang   int
	full   chan *batch
	free   chan *batch
	done   chan struct{}
	err    error       // set by the printer goroutine before done is closed
	failed atomic.Bool // err is set: the reader may stop
	inline bool        // one CPU: print in the reading goroutine, no hand-over
}

// printBuffer is the size of the printer's output buffer: large writes,
// few system calls.
const printBuffer = 256 << 10

func newPrinter(w io.Writer, opts *Options, lang int) *printer {
	const inFlight = 4
	// Buffers grow with use: a capture of ten packets costs a few
	// kilobytes, one of millions the full batches and print buffer.
	p := &printer{w: w, opts: opts, lang: lang, full: make(chan *batch, inFlight), free: make(chan *batch, inFlight), done: make(chan struct{})}
	for range inFlight {
		p.free <- &batch{}
	}
	if p.inline = runtime.GOMAXPROCS(0) == 1; !p.inline {
		go p.run()
	}
	return p
}

// get returns an empty batch, or nil when the printer has stopped on an
// error.
func (p *printer) get() *batch {
	if p.failed.Load() {
		return nil
	}
	select {
	case b := <-p.free:
		b.recs, b.arena = b.recs[:0], b.arena[:0]
		return b
	case <-p.done:
		return nil
	}
}

// put hands a batch to the printer (an empty one goes back to the pool).
func (p *printer) put(b *batch) {
	if p.inline {
		if p.err == nil && len(b.recs) > 0 {
			if p.err = p.print(b); p.err != nil {
				p.failed.Store(true)
			}
		}
		p.free <- b
		return
	}
	if len(b.recs) == 0 {
		p.free <- b
		return
	}
	select {
	case p.full <- b:
	case <-p.done:
	}
}

func (p *printer) run() {
	defer close(p.done)
	for b := range p.full {
		if p.err == nil {
			if p.err = p.print(b); p.err != nil {
				p.failed.Store(true)
			}
		}
		p.free <- b
	}
	p.flush()
}

func (p *printer) print(b *batch) error {
	buf := p.buf
	for i := range b.recs {
		rec := &b.recs[i]
		if p.opts.JSON {
			buf = rec.appendJSON(buf, b.arena, p.lang)
		} else {
			buf = rec.appendLine(buf, b.arena, p.opts, p.lang)
		}
		if len(buf) >= printBuffer {
			if _, err := p.w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	p.buf = buf
	return nil
}

// close waits until every batch is written and returns the first write
// error.
func (p *printer) close() error {
	if p.inline {
		p.flush()
		return p.err
	}
	close(p.full)
	<-p.done
	return p.err
}

func (p *printer) flush() {
	if p.err == nil && len(p.buf) > 0 {
		_, p.err = p.w.Write(p.buf)
		p.buf = p.buf[:0]
	}
}
