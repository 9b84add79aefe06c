package main

import (
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/term"
	"github.com/netdemo/netdemo/internal/trace"
)

// cmdTrace reads any capture a user brings. `netdemo run trace` is the demo
// that makes one; `netdemo trace read FILE` explains someone else's.
var cmdTrace = &command{
	UsageLine: "trace read FILE|- [flags]",
	Short:     "explain every packet of a pcap or pcapng capture (any tool's)",
	Run: func(ctx context.Context, args []string, stdio demo.IO) error {
		if len(args) == 0 || args[0] != "read" {
			// FILE may be gzip-compressed (.pcap.gz); "-" reads standard input.
			return &demo.UsageError{Msg: "usage: netdemo trace read FILE [--notes=false] [--lang en|zh] [--json] [--ladder N]  (the demo is: netdemo run trace)"}
		}
		fs := flag.NewFlagSet("trace read", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		lang := fs.String("lang", demo.DefaultLang(), "language of the notes: en or zh")
		notes := fs.Bool("notes", true, "a note under each packet saying what it means")
		jsonOut := fs.Bool("json", false, "JSON Lines: one packet per line, then the result")
		ladder := fs.Int("ladder", 0, "draw a ladder diagram of the first N packets")
		noColor := fs.Bool("no-color", false, "no colour")
		annotate := fs.String("annotate", "", "also write the capture as pcapng `file` with each packet's note as its comment (for Wireshark)")
		// Flags may come before or after the file name.
		var file string
		rest := args[1:]
		for {
			if err := fs.Parse(rest); err != nil {
				if errors.Is(err, flag.ErrHelp) {
					fs.SetOutput(stdio.Out)
					fs.PrintDefaults()
					return err
				}
				return &demo.UsageError{Msg: "trace read: " + err.Error()}
			}
			if fs.NArg() == 0 {
				break
			}
			if file != "" {
				return &demo.UsageError{Msg: "trace read takes one file, got " + strings.Join(append([]string{file}, fs.Args()...), " ")}
			}
			file, rest = fs.Arg(0), fs.Args()[1:]
		}
		if file == "" {
			return &demo.UsageError{Msg: "trace read needs a capture file (pcap or pcapng)"}
		}
		if *lang != "en" && *lang != "zh" {
			return &demo.UsageError{Msg: `--lang must be en or zh, got "` + *lang + `"`}
		}
		opts := trace.Options{
			Lang:   *lang,
			Notes:  *notes,
			JSON:   *jsonOut,
			Color:  !*jsonOut && term.NewStyle(stdio.Out, *noColor).On(),
			Flows:  true,
			Ladder: *ladder,
		}
		if *annotate != "" && file == "-" {
			return &demo.UsageError{Msg: "trace read: --annotate needs a capture file, not standard input"}
		}
		if file == "-" { // standard input, as tshark -r -
			if stdio.In == nil {
				return errors.New("trace read -: no standard input")
			}
			if _, err := trace.Read(ctx, stdio.In, stdio.Out, opts); err != nil {
				return fmt.Errorf("read standard input: %w", err)
			}
			return nil
		}
		if _, err := trace.ReadFile(ctx, file, stdio.Out, opts); err != nil {
			return err
		}
		if *annotate != "" {
			return annotateFile(ctx, file, *annotate, opts)
		}
		return nil
	},
}

// annotateFile writes the capture in again as pcapng whose packet comments
// are the notes, so the explanation sits beside each packet in Wireshark.
func annotateFile(ctx context.Context, in, out string, opts trace.Options) error {
	f, err := os.Open(in)
	if err != nil {
		return fmt.Errorf("--annotate: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(in, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("--annotate: %w", err)
		}
		r = zr
	}
	w, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("--annotate: %w", err)
	}
	opts.JSON, opts.Color = false, false
	if _, err := trace.Annotate(ctx, r, w, opts); err != nil {
		w.Close()
		return fmt.Errorf("--annotate: writing %s: %w", out, err)
	}
	return w.Close()
}
