package trace

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkReadFile reads a synthetic TCP capture (handshakes, bulk data
// with losses, retransmissions and duplicate ACKs, teardowns) from a file
// and prints every line to io.Discard, as `netdemo trace read FILE
// >/dev/null` does.
func BenchmarkReadFile(b *testing.B) {
	const n = 100_000
	var capture bytes.Buffer
	if err := WriteSyntheticCapture(&capture, n, 1); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "synthetic.pcap")
	if err := os.WriteFile(path, capture.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		opts Options
	}{
		{"lines", Options{}},
		{"notes", Options{Notes: true}},
		{"json", Options{JSON: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(capture.Len()))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ReadFile(context.Background(), path, io.Discard, bc.opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/packet")
		})
	}
}
