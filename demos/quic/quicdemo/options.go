package quicdemo

import (
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/netdemo/netdemo/internal/demo"
)

// options are the quic demo's own flags.
type options struct {
	streams  int
	size     byteSize
	holLoss  float64
	holSeeds int
	tries    int
}

func defaultOptions() *options {
	return &options{streams: 8, size: 16 << 10, holLoss: 0.02, holSeeds: 5, tries: 3}
}

// flags adds the demo's own flags over fresh variables; a run reads the
// values back with runOptions, so concurrent runs never share them.
func flags(fs *flag.FlagSet) {
	o := defaultOptions()
	fs.IntVar(&o.streams, "streams", o.streams, "parallel `streams` of the head-of-line experiment, 1 to 64")
	fs.Var(&o.size, "size", "bytes per stream of the head-of-line experiment, e.g. 16KiB, 64KiB, 1MiB (at most 4MiB)")
	fs.Float64Var(&o.holLoss, "hol-loss", o.holLoss, "loss probability of the head-of-line experiment's link, 0 to 0.5")
	fs.IntVar(&o.holSeeds, "hol-seeds", o.holSeeds, "how many seeds (--seed, --seed+1, ...) the head-of-line experiment runs, 1 to 50")
	fs.IntVar(&o.tries, "tries", o.tries, "fresh connections per contestant of the handshake race; the fastest counts, 1 to 20")
}

// runOptions reads this run's values of the demo's flags.
func runOptions(r *demo.Run) *options {
	o := defaultOptions()
	if v, ok := r.Flag("streams").(int); ok {
		o.streams = v
	}
	if v, ok := r.Flag("size").(byteSize); ok {
		o.size = v
	}
	if v, ok := r.Flag("hol-loss").(float64); ok {
		o.holLoss = v
	}
	if v, ok := r.Flag("hol-seeds").(int); ok {
		o.holSeeds = v
	}
	if v, ok := r.Flag("tries").(int); ok {
		o.tries = v
	}
	return o
}

// check turns an out-of-range value into the runner's one-line usage error.
func (o *options) check() error {
	bad := func(format string, args ...any) error { return &demo.UsageError{Msg: fmt.Sprintf(format, args...)} }
	switch {
	case o.streams < 1 || o.streams > 64:
		return bad("--streams must be between 1 and 64, got %d", o.streams)
	case o.size < 1 || o.size > 4<<20:
		return bad("--size must be between 1 byte and 4MiB, got %d bytes", o.size)
	case math.IsNaN(o.holLoss) || o.holLoss < 0 || o.holLoss > 0.5:
		return bad("--hol-loss must be between 0 and 0.5, got %g", o.holLoss)
	case o.holSeeds < 1 || o.holSeeds > 50:
		return bad("--hol-seeds must be between 1 and 50, got %d", o.holSeeds)
	case o.tries < 1 || o.tries > 20:
		return bad("--tries must be between 1 and 20, got %d", o.tries)
	}
	return nil
}

// byteSize is a flag value in bytes: 65536, 64KiB, 64k (k means KiB here,
// as object sizes are counted), 1MiB, 1M.
type byteSize int

func (b *byteSize) String() string {
	if b == nil {
		return "16KiB"
	}
	switch n := int(*b); {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + "MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + "KiB"
	default:
		return strconv.Itoa(n)
	}
}

// Get makes byteSize a flag.Getter, so Run.Flag returns the number.
func (b *byteSize) Get() any { return *b }

func (b *byteSize) Set(s string) error {
	n, err := parseByteSize(s)
	if err != nil {
		return err
	}
	*b = byteSize(n)
	return nil
}

// parseByteSize reads a size such as 65536, 64KiB, 64k, 1MiB or 1M.
func parseByteSize(s string) (int, error) {
	t := strings.TrimSpace(s)
	mult := 1
	for _, u := range []struct {
		suffix string
		mult   int
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"kB", 1 << 10}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"k", 1 << 10}, {"K", 1 << 10}, {"M", 1 << 20}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSuffix(t, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.Atoi(strings.TrimSpace(t))
	if err != nil || n < 0 || n > math.MaxInt32/mult {
		return 0, fmt.Errorf("%q is not a size like 65536, 64KiB or 1MiB", s)
	}
	return n * mult, nil
}
