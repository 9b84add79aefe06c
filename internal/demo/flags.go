package demo

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/netdemo/netdemo/internal/lab"
)

// Options are the flags every demo shares.
type Options struct {
	Lang    string // "en" or "zh"
	JSON    bool
	Step    bool
	Seed    int64
	NoColor bool
	Pcap    string
	Serve   bool
	Addr    string
	Link    lab.Link

	params any // the demo's Params struct, filled (see ParamsOf)
}

// T picks the English or Chinese string by --lang.
func (o *Options) T(en, zh string) string {
	if o.Lang == "zh" {
		return zh
	}
	return en
}

// UsageError is a bad flag or argument: the CLI prints it on one line and
// exits with code 2. Zh, when set, is the same message in Chinese, printed
// under --lang zh or a Chinese locale.
type UsageError struct{ Msg, Zh string }

func (e *UsageError) Error() string { return e.Msg }

// In returns the message in lang.
func (e *UsageError) In(lang string) string {
	if lang == "zh" && e.Zh != "" {
		return e.Zh
	}
	return e.Msg
}

func usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// usage2 is a usage error in both languages; args are formatted into both.
func usage2(en, zh string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(en, args...), Zh: fmt.Sprintf(zh, args...)}
}

// ArgsLang is the language a command line asks for: its --lang, else the
// locale. Errors found while parsing that command line are printed in it.
func ArgsLang(args []string) string {
	for i, a := range args {
		a = strings.TrimLeft(a, "-")
		if v, ok := strings.CutPrefix(a, "lang="); ok {
			return langOr(v)
		}
		if a == "lang" && i+1 < len(args) {
			return langOr(args[i+1])
		}
	}
	return DefaultLang()
}

func langOr(v string) string {
	if v == "zh" {
		return "zh"
	}
	return "en"
}

// DefaultLang reads the locale the way POSIX programs do: LC_ALL, then
// LC_MESSAGES, then LANG; a value starting with "zh" means Chinese.
func DefaultLang() string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "zh") {
				return "zh"
			}
			return "en"
		}
	}
	return "en"
}

// flagSet builds the FlagSet for d (d may be nil: the tour's common flags).
// Lab flags are parsed into raw values and checked by validate, so that a
// bad value gets our one-line message instead of flag's usage dump.
type rawFlags struct {
	lang, rtt, jitter, rate string
	loss, reorder, dup      float64
	mtu                     int
}

// newFlagSet builds the flags d takes: the ones every demo has, the lab's
// when d uses the lab, --serve and --addr when it has servers, and its own.
// d nil (the tour) takes every common flag.
func newFlagSet(name string, d *Demo, o *Options, raw *rawFlags) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var link lab.Link
	port := 0
	usesLab, serves := true, true
	if d != nil {
		link, port = d.Link, d.Port
		usesLab, serves = !d.NoLab, d.Serve != nil
	}
	raw.rtt, raw.jitter, raw.rate = link.RTT.String(), link.Jitter.String(), formatRate(link.RateBPS)
	raw.loss, raw.reorder, raw.dup, raw.mtu = link.Loss, link.Reorder, link.Duplicate, orDefault(link.MTU, 1500)
	o.Addr = fmt.Sprintf("127.0.0.1:%d", port)
	fs.StringVar(&raw.lang, "lang", DefaultLang(), "language of the explanation: en or zh")
	fs.BoolVar(&o.JSON, "json", false, "print JSON Lines instead of text; the last line is the result")
	fs.BoolVar(&o.Step, "step", false, "pause for Enter between steps (ignored when stdin is not a terminal)")
	fs.BoolVar(&o.NoColor, "no-color", false, "no colour (also off with NO_COLOR, TERM=dumb, or when stdout is not a terminal)")
	o.Seed = 1
	if serves {
		fs.BoolVar(&o.Serve, "serve", false, "keep the demo's servers up on --addr for outside clients until Ctrl-C")
		fs.StringVar(&o.Addr, "addr", o.Addr, "`host:port` for --serve (port 0 picks a free one)")
	}
	if !usesLab {
		return fs
	}
	fs.Int64Var(&o.Seed, "seed", 1, "seed for every random choice of the lab")
	fs.StringVar(&o.Pcap, "pcap", "", "write every packet of the demo's lab traffic to this capture `file` (pcapng when it ends in .pcapng, pcap otherwise)")
	fs.StringVar(&raw.rtt, "rtt", link.RTT.String(), "lab round-trip `time`, e.g. 40ms")
	fs.StringVar(&raw.jitter, "jitter", link.Jitter.String(), "lab one-way jitter `time`")
	fs.Float64Var(&raw.loss, "loss", link.Loss, "lab loss probability, 0 to 1")
	fs.Float64Var(&raw.reorder, "reorder", link.Reorder, "lab reordering probability, 0 to 1")
	fs.Float64Var(&raw.dup, "duplicate", link.Duplicate, "lab duplication probability, 0 to 1")
	fs.StringVar(&raw.rate, "rate", formatRate(link.RateBPS), "lab rate in `bits/s` (e.g. 10M, 1G; 0 = unlimited)")
	fs.IntVar(&raw.mtu, "mtu", orDefault(link.MTU, 1500), "lab MTU in bytes, 576 to 65535")
	return fs
}

// addDemoFlags adds d's own flags: its Params struct, fresh for this run.
func addDemoFlags(fs *flag.FlagSet, d *Demo, o *Options) ([]paramField, error) {
	if d == nil || d.Params == nil {
		return nil, nil
	}
	o.params = d.Params()
	return registerParams(fs, o.params)
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// parseFlags parses args for d and checks every value.
func parseFlags(name string, d *Demo, args []string) (*Options, *flag.FlagSet, error) {
	o := &Options{}
	raw := &rawFlags{}
	fs := newFlagSet(name, d, o, raw)
	fields, err := addDemoFlags(fs, d, o)
	if err != nil {
		return nil, fs, err
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, fs, err
		}
		en, zh := flagErrorText(err)
		return nil, fs, &UsageError{Msg: en, Zh: zh}
	}
	if err := o.validate(raw); err != nil {
		return nil, fs, err
	}
	if err := checkParams(fields); err != nil {
		return nil, fs, err
	}
	if err := checkStruct(o.params); err != nil {
		return nil, fs, err
	}
	return o, fs, nil
}

// flagErrorText turns the flag package's wording into ours: one line that
// names the flag, in English and Chinese.
func flagErrorText(err error) (en, zh string) {
	s := err.Error()
	if strings.HasPrefix(s, "invalid value ") {
		// invalid value "x" for flag -loss: parse error
		if i := strings.Index(s, " for flag -"); i > 0 {
			name := s[i+len(" for flag -"):]
			if j := strings.IndexByte(name, ':'); j > 0 {
				name = name[:j]
			}
			v := strings.TrimPrefix(s[:i], "invalid value ")
			return fmt.Sprintf("--%s: %s is not a valid value", name, v), fmt.Sprintf("--%s：%s 不是有效的值", name, v)
		}
	}
	if name, ok := strings.CutPrefix(s, "flag provided but not defined: -"); ok {
		return "unknown flag --" + name + " (see --help)", "没有 --" + name + " 这个参数（见 --help）"
	}
	if name, ok := strings.CutPrefix(s, "flag needs an argument: -"); ok {
		return "--" + name + " needs a value", "--" + name + " 需要一个值"
	}
	return s, ""
}

func (o *Options) validate(raw *rawFlags) error {
	switch raw.lang {
	case "en", "zh":
		o.Lang = raw.lang
	default:
		return usage2("--lang must be en or zh, got %q", "--lang 只能是 en 或 zh，收到的是 %q", raw.lang)
	}
	var err error
	if o.Link.RTT, err = parseDur("rtt", raw.rtt); err != nil {
		return err
	}
	if o.Link.Jitter, err = parseDur("jitter", raw.jitter); err != nil {
		return err
	}
	for _, p := range []struct {
		name string
		v    float64
		dst  *float64
	}{{"loss", raw.loss, &o.Link.Loss}, {"reorder", raw.reorder, &o.Link.Reorder}, {"duplicate", raw.dup, &o.Link.Duplicate}} {
		if math.IsNaN(p.v) || p.v < 0 || p.v > 1 {
			return usage2("--%s must be between 0 and 1, got %s", "--%s 必须在 0 到 1 之间，收到的是 %s", p.name, strconv.FormatFloat(p.v, 'g', -1, 64))
		}
		*p.dst = p.v
	}
	if o.Link.RateBPS, err = ParseRate(raw.rate); err != nil {
		return usage2("--rate %v", "--rate 必须是每秒比特数，例如 10M 或 1G（0 表示不限速，最多 1000G）：%v", err)
	}
	if raw.mtu < 576 || raw.mtu > 65535 {
		return usage2("--mtu must be between 576 and 65535, got %d", "--mtu 必须在 576 到 65535 之间，收到的是 %d", raw.mtu)
	}
	o.Link.MTU = raw.mtu
	host, port, err := net.SplitHostPort(o.Addr)
	if err != nil {
		return usage2("--addr must be host:port, got %q", "--addr 必须是 主机:端口，收到的是 %q", o.Addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return usage2("--addr port must be 0 to 65535, got %q", "--addr 的端口必须在 0 到 65535 之间，收到的是 %q", port)
	}
	_ = host
	return nil
}

func parseDur(name, s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, usage2("--%s must be a duration like 40ms, got %q", "--%s 必须是 40ms 这样的时长，收到的是 %q", name, s)
	}
	if d < 0 || d > time.Minute {
		return 0, usage2("--%s must be between 0 and 1m, got %s", "--%s 必须在 0 到 1m 之间，收到的是 %s", name, s)
	}
	return d, nil
}

// ParseRate reads a rate in bits per second with an optional k, M or G
// suffix (powers of 1000, as link speeds are quoted): "10M" = 10,000,000.
func ParseRate(s string) (int64, error) {
	t := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(s), "bps"), "bit/s")
	mult := 1.0
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'k', 'K':
			mult, t = 1e3, t[:n-1]
		case 'm', 'M':
			mult, t = 1e6, t[:n-1]
		case 'g', 'G':
			mult, t = 1e9, t[:n-1]
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f*mult > 1e12 {
		return 0, fmt.Errorf("must be bits per second like 10M or 1G (0 = unlimited, at most 1000G), got %q", s)
	}
	return int64(f * mult), nil
}

func formatRate(bps int64) string {
	switch {
	case bps == 0:
		return "0"
	case bps%1e9 == 0:
		return strconv.FormatInt(bps/1e9, 10) + "G"
	case bps%1e6 == 0:
		return strconv.FormatInt(bps/1e6, 10) + "M"
	case bps%1e3 == 0:
		return strconv.FormatInt(bps/1e3, 10) + "k"
	}
	return strconv.FormatInt(bps, 10)
}

// ParseCommon parses only the common flags (for the tour and explain) and
// rejects any argument left over.
func ParseCommon(name string, args []string) (*Options, error) {
	o, fs, err := parseFlags(name, nil, args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(os.Stdout)
		fs.PrintDefaults()
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, usage2("%s: unexpected argument %q", "%s：多余的参数 %q", name, fs.Arg(0))
	}
	return o, nil
}

// Parse parses args for d exactly as the command line does, leftover
// arguments included: the web form builds args from its fields and gets
// the CLI's one-line messages back.
func Parse(d *Demo, args []string) (*Options, error) {
	o, fs, err := parseFlags(d.Name, d, args)
	if err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, usagef("%s takes no arguments, got %q (see --help)", d.Name, fs.Arg(0))
	}
	return o, nil
}

// FlagSet returns the flags d takes with their defaults, for a caller
// that lists them (the web form). Parse with [Parse], not with it.
func FlagSet(d *Demo) *flag.FlagSet {
	o, raw := &Options{}, &rawFlags{}
	fs := newFlagSet(d.Name, d, o, raw)
	addDemoFlags(fs, d, o)
	return fs
}

// ArgsFor keeps the flags of a tour's command line that d takes: the tour
// hands one command line to every demo, and --rtt means nothing to a demo
// without a lab, so it is left out for that demo rather than refused.
// Flags no demo knows were refused by the tour's own parse already.
func ArgsFor(d *Demo, args []string) []string {
	all := newFlagSet("tour", nil, &Options{}, &rawFlags{})
	mine := FlagSet(d)
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || a == "-" || a == "--" {
			out = append(out, a)
			continue
		}
		// A flag that takes a value and was written "--name value" takes
		// the next argument with it.
		takesNext := false
		if f := all.Lookup(name); f != nil && !hasValue {
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
				takesNext = true
			}
		}
		keep := mine.Lookup(name) != nil
		if keep {
			out = append(out, a)
		}
		if takesNext && i+1 < len(args) {
			i++
			if keep {
				out = append(out, args[i])
			}
		}
	}
	return out
}
