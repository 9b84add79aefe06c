package trace

import (
	"bytes"
	"context"
	"io"
	"testing"
)

// BenchmarkReadFile reads a synthetic TCP capture (handshakes, bulk data
// with losses, retransmissions and duplicate ACKs, teardowns) and prints
// every line to io.Discard, as `netdemo trace read FILE >/dev/null` does.
func BenchmarkReadFile(b *testing.B) {
	const n = 100_000
	var capture bytes.Buffer
	if err := WriteSyntheticCapture(&capture, n, 1); err != nil {
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
				if _, err := Read(context.Background(), bytes.NewReader(capture.Bytes()), io.Discard, bc.opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/packet")
		})
	}
}
