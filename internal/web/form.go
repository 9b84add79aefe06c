package web

import (
	"flag"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/netdemo/netdemo/internal/demo"
)

// field is one flag of a demo's start form.
type field struct {
	Name, Default, Usage string
	Bool                 bool
}

// notOffered are flags the page does not take: output and pacing belong to
// the page (--json, --no-color, --step, --lang), and nothing started from a
// browser may write files on the server's machine or open servers on it
// (--pcap, --serve, --addr). Flags whose help names a file are left out
// for the same reason (tls's --keylog).
var notOffered = map[string]bool{"json": true, "no-color": true, "step": true, "lang": true, "pcap": true, "serve": true, "addr": true}

func offered(f *flag.Flag) bool {
	return !notOffered[f.Name] && !strings.Contains(strings.ToLower(f.Usage), "file")
}

// formFields lists the flags the form offers for d, in the flag package's
// order (sorted by name), common ones first.
func formFields(d *demo.Demo) []field {
	var out []field
	demo.FlagSet(d).VisitAll(func(f *flag.Flag) {
		if !offered(f) {
			return
		}
		fd := field{Name: f.Name, Default: f.DefValue, Usage: f.Usage}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			fd.Bool = true
		}
		out = append(out, fd)
	})
	common := map[string]int{"seed": 0, "rtt": 1, "loss": 2, "jitter": 3, "reorder": 4, "duplicate": 5, "rate": 6, "mtu": 7}
	sort.SliceStable(out, func(i, j int) bool {
		ci, iok := common[out[i].Name]
		cj, jok := common[out[j].Name]
		switch {
		case iok && jok:
			return ci < cj
		case iok != jok:
			return iok
		}
		return false
	})
	return out
}

// flagNameRE is what a flag name may be: a name carrying "=" would smuggle
// in a flag the page does not offer.
var flagNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,40}$`)

// Limits on what a start request may carry.
const (
	maxFlags     = 64
	maxFlagValue = 256
)

// startArgs turns the form's values into a command line for demo.Parse:
// "--name=value" for each value given, sorted by name, so that a value
// beginning with "-" stays a value. Empty values mean "the default".
func startArgs(d *demo.Demo, lang string, values map[string]string) ([]string, error) {
	if len(values) > maxFlags {
		return nil, &demo.UsageError{Msg: fmt.Sprintf("too many flags (%d)", len(values))}
	}
	fs := demo.FlagSet(d)
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	sort.Strings(names)
	args := []string{"--lang=" + lang}
	for _, k := range names {
		v := values[k]
		if len(v) > maxFlagValue {
			return nil, &demo.UsageError{Msg: fmt.Sprintf("--%s: value longer than %d bytes", k, maxFlagValue)}
		}
		if !flagNameRE.MatchString(k) {
			return nil, &demo.UsageError{Msg: fmt.Sprintf("%q is not a flag name", k)}
		}
		if v == "" {
			continue
		}
		// An unknown name goes on to the parser, which words the error
		// as the command line does.
		if f := fs.Lookup(k); f != nil && !offered(f) {
			return nil, &demo.UsageError{Msg: fmt.Sprintf("--%s is not available from the web page", k)}
		}
		args = append(args, "--"+k+"="+v)
	}
	return args, nil
}
