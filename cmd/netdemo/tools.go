package main

import (
	"context"

	"github.com/netdemo/netdemo/internal/demo"
)

var cmdCerts = &command{
	UsageLine: "certs [--dir DIR]",
	Short:     "write the demo PKI (root, intermediate, leaf) as PEM files and print their paths",
	Run: func(ctx context.Context, args []string, stdio demo.IO) error {
		return &demo.UsageError{Msg: "certs: not written yet"}
	},
}

var cmdTrace = &command{
	UsageLine: "trace read FILE",
	Short:     "explain every packet of a pcap or pcapng capture",
	Run: func(ctx context.Context, args []string, stdio demo.IO) error {
		return &demo.UsageError{Msg: "trace: not written yet"}
	},
}
