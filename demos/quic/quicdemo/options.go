package quicdemo

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// options are the quic demo's own flags.
type options struct {
	Streams  int      `flag:"streams" help:"parallel streams of the head-of-line experiment" min:"1" max:"64"`
	Size     byteSize `flag:"size" help:"bytes per stream of the head-of-line experiment, e.g. 16KiB, 64KiB, 1MiB (at most 4MiB)"`
	HolLoss  float64  `flag:"hol-loss" help:"loss probability of the head-of-line experiment's link" min:"0" max:"0.5"`
	HolSeeds int      `flag:"hol-seeds" help:"how many seeds (--seed, --seed+1, ...) the head-of-line experiment runs" min:"1" max:"50"`
	Tries    int      `flag:"tries" help:"fresh connections per contestant of the handshake race; the fastest counts" min:"1" max:"20"`
}

// Check says a size beyond the stream limit in bytes and MiB, as the flag
// takes it (the runner calls it before the run starts).
func (o *options) Check() error {
	if o.Size < 1 || o.Size > 4<<20 {
		return fmt.Errorf("--size must be between 1 byte and 4MiB, got %d bytes", o.Size)
	}
	return nil
}

func defaultOptions() any {
	return &options{Streams: 8, Size: 16 << 10, HolLoss: 0.02, HolSeeds: 5, Tries: 3}
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
