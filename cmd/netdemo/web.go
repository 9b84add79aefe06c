package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/netdemo/netdemo/demos"
	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/web"
)

const webUsage = "web [--addr HOST:PORT] [--lang en|zh]"

var cmdWeb = &command{
	UsageLine: webUsage,
	Short:     "every demo in a browser, live, for a class and a projector",
	Run:       runWeb,
}

func runWeb(ctx context.Context, args []string, stdio demo.IO) error {
	fs := flag.NewFlagSet("web", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addr := fs.String("addr", "127.0.0.1:8808", "`host:port` to listen on; anything but loopback lets other machines watch")
	lang := fs.String("lang", demo.DefaultLang(), "first language of the page and of runs: en or zh")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdio.Out, "usage: netdemo %s\n\nflags:\n", webUsage)
			fs.SetOutput(stdio.Out)
			fs.PrintDefaults()
			return err
		}
		return &demo.UsageError{Msg: "web: " + err.Error()}
	}
	if fs.NArg() > 0 {
		return &demo.UsageError{Msg: fmt.Sprintf("web takes no arguments, got %q", fs.Arg(0))}
	}
	if *lang != "en" && *lang != "zh" {
		return &demo.UsageError{Msg: fmt.Sprintf("--lang must be en or zh, got %q", *lang)}
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return &demo.UsageError{Msg: fmt.Sprintf("--addr must be host:port, got %q", *addr)}
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return &demo.UsageError{Msg: fmt.Sprintf("--addr port must be 0 to 65535, got %q", port)}
	}

	srv, err := web.New(web.Config{Demos: demos.All(), Lang: *lang, Log: stdio.Err})
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("web: listening on %s: %w", *addr, err)
	}
	hs := web.NewHTTPServer(srv.Handler())
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	bound := ln.Addr().(*net.TCPAddr)
	shown := bound.String()
	if bound.IP.IsUnspecified() {
		shown = net.JoinHostPort("127.0.0.1", strconv.Itoa(bound.Port))
	}
	fmt.Fprintf(stdio.Out, "netdemo web: open http://%s/?token=%s\n", shown, srv.Token())
	if ip := net.ParseIP(host); !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
		fmt.Fprintf(stdio.Err, "netdemo web: warning: listening on %s, not loopback: anyone who can reach it can watch the runs (starting and stopping them still needs the token)\n", net.JoinHostPort(host, strconv.Itoa(bound.Port)))
		fmt.Fprintf(stdio.Out, "netdemo web: students open http://%s/ (this machine's address) to watch, without the token\n", net.JoinHostPort(orHost(host), strconv.Itoa(bound.Port)))
	}

	select {
	case err := <-served:
		return fmt.Errorf("web: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	srv.Close() // cancels runs, so that their event streams end
	if err := hs.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		hs.Close()
	}
	return nil
}

// orHost names an unspecified listening host for the students' URL.
func orHost(h string) string {
	if ip := net.ParseIP(h); h == "" || (ip != nil && ip.IsUnspecified()) {
		return "ADDRESS"
	}
	return h
}
