// Command netdemo runs the networking demos: each answers one interview
// question by showing it on real sockets, with its explanation beside it.
//
// The command is a table of subcommands over the same demo registry that
// `go run ./demos/NAME` uses, so both ways of running a demo share flags and
// output. Results go to stdout; errors go to stderr on one line, with exit
// code 2 for a usage error.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/netdemo/netdemo/internal/child"
	"github.com/netdemo/netdemo/internal/demo"
)

// command is one subcommand, in the manner of the go command's table.
type command struct {
	UsageLine string // "run NAME [flags]"
	Short     string
	Run       func(ctx context.Context, args []string, stdio demo.IO) error
}

var commands []*command

func init() {
	commands = []*command{cmdTour, cmdList, cmdRun, cmdExplain, cmdCerts, cmdTrace, cmdWeb}
}

func main() {
	child.Dispatch()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stdio := demo.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}
	os.Exit(demo.ExitCode(dispatch(ctx, os.Args[1:], stdio), ctx, os.Stderr))
}

func dispatch(ctx context.Context, args []string, stdio demo.IO) error {
	if len(args) == 0 {
		usage(stdio.Out)
		return nil
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(stdio.Out)
		return nil
	}
	for _, c := range commands {
		if c.name() == args[0] {
			return c.Run(ctx, args[1:], stdio)
		}
	}
	return &demo.UsageError{Msg: fmt.Sprintf("unknown command %q (run netdemo help)", args[0]), Zh: fmt.Sprintf("没有 %q 这个命令（运行 netdemo help 查看）", args[0])}
}

func (c *command) name() string {
	for i, r := range c.UsageLine {
		if r == ' ' {
			return c.UsageLine[:i]
		}
	}
	return c.UsageLine
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "netdemo: networking interview questions, answered on real sockets.\n\nusage:\n")
	width := 0
	for _, c := range commands {
		width = max(width, len(c.UsageLine))
	}
	for _, c := range commands {
		fmt.Fprintf(w, "  netdemo %-*s  %s\n", width, c.UsageLine, c.Short)
	}
	fmt.Fprintf(w, "\nEvery demo also runs alone: go run ./demos/NAME [flags]. Flags: netdemo run NAME --help\n")
}
