//go:build linux || darwin

package proc

import (
	"os"
	"testing"
)

func TestOpenFDsCountsAFile(t *testing.T) {
	before := OpenFDs()
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	during := OpenFDs()
	f.Close()
	after := OpenFDs()
	if during != before+1 || after != before {
		t.Fatalf("OpenFDs: %d before opening a file, %d with it open, %d after closing it", before, during, after)
	}
}

func TestProcessNumbers(t *testing.T) {
	if n := Threads(); n < 1 {
		t.Errorf("Threads() = %d", n)
	}
	if kb := RSSKB(); kb < 100 {
		t.Errorf("RSSKB() = %d KiB, want a Go process's hundreds at least", kb)
	}
	c0 := CPU()
	x := 0
	for i := range 20_000_000 {
		x ^= i
	}
	_ = x
	if c1 := CPU(); c1 <= c0 {
		t.Errorf("CPU() did not grow over a busy loop: %v then %v", c0, c1)
	}
	n, err := RaiseNoFile()
	if err != nil || n < 64 {
		t.Errorf("RaiseNoFile() = %d, %v", n, err)
	}
}
