package quicdemo

import (
	"testing"
	"time"
)

func TestParseByteSize(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"65536", 65536, true},
		{"64KiB", 64 << 10, true},
		{"64k", 64 << 10, true},
		{"64K", 64 << 10, true},
		{"1MiB", 1 << 20, true},
		{"1M", 1 << 20, true},
		{"512B", 512, true},
		{" 16KiB ", 16 << 10, true},
		{"", 0, false},
		{"KiB", 0, false},
		{"-1", 0, false},
		{"1.5MiB", 0, false},
		{"99999999999MiB", 0, false},
	}
	for _, tt := range tests {
		got, err := parseByteSize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseByteSize(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestByteSizeString(t *testing.T) {
	for in, want := range map[byteSize]string{16 << 10: "16KiB", 1 << 20: "1MiB", 1000: "1000", 1536: "1536"} {
		if got := in.String(); got != want {
			t.Errorf("byteSize(%d).String() = %q, want %q", int(in), got, want)
		}
	}
}

func FuzzParseByteSize(f *testing.F) {
	for _, s := range []string{"65536", "64KiB", "1M", "", "KiB", "-5k"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseByteSize(s)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("parseByteSize(%q) = %d, want no negative size", s, n)
		}
		b := byteSize(n)
		back, err := parseByteSize(b.String())
		if err != nil || back != n {
			t.Fatalf("round trip of %q: %d → %q → %d, %v", s, n, b.String(), back, err)
		}
	})
}

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	tests := []struct {
		desc string
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{"median of eight is the 4th smallest", ms(8, 1, 7, 2, 6, 3, 5, 4), 50, 4 * time.Millisecond},
		{"max", ms(8, 1, 7), 100, 8 * time.Millisecond},
		{"median of one", ms(5), 50, 5 * time.Millisecond},
		{"empty", nil, 50, 0},
	}
	for _, tt := range tests {
		if got := percentile(tt.in, tt.p); got != tt.want {
			t.Errorf("%s: percentile(%v, %v) = %v, want %v", tt.desc, tt.in, tt.p, got, tt.want)
		}
	}
}
