package main

import (
	"context"
	"errors"
	"flag"
	"io"

	"github.com/netdemo/netdemo/certs"
	"github.com/netdemo/netdemo/internal/demo"
)

var cmdCerts = &command{
	UsageLine: "certs [--dir DIR]",
	Short:     "write the demo PKI (root, intermediate, leaf) as PEM files and print their paths",
	Run: func(ctx context.Context, args []string, stdio demo.IO) error {
		fs := flag.NewFlagSet("certs", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		dir := fs.String("dir", certs.DefaultDir, "folder for the PEM files (git-ignored by default)")
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(stdio.Out)
				fs.PrintDefaults()
				return err
			}
			return &demo.UsageError{Msg: "certs: " + err.Error()}
		}
		if fs.NArg() > 0 {
			return &demo.UsageError{Msg: "certs takes no arguments, only --dir"}
		}
		return certs.WriteFiles(*dir, stdio.Out)
	},
}
