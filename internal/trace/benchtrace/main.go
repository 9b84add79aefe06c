// Command benchtrace compares netdemo's capture reader with tshark on a
// synthetic TCP capture: it writes N packets to a file, times our reader
// and `tshark -r FILE` (when tshark is installed), both printing their
// default per-packet lines to /dev/null, and prints both times, the ratio
// and our peak memory.
//
//	go run ./internal/trace/benchtrace -n 1000000 -o /tmp/trace.pcap
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/netdemo/netdemo/internal/trace"
)

func main() {
	n := flag.Int("n", 1_000_000, "number of packets to generate")
	out := flag.String("o", "", "capture file to write (default: a temporary file, removed at the end)")
	seed := flag.Int64("seed", 1, "random seed of the synthetic capture")
	notes := flag.Bool("notes", false, "also print the notes (slower)")
	noTshark := flag.Bool("no-tshark", false, "do not run tshark")
	flag.Parse()
	if err := run(*n, *out, *seed, *notes, *noTshark); err != nil {
		fmt.Fprintln(os.Stderr, "benchtrace:", err)
		os.Exit(1)
	}
}

func run(n int, path string, seed int64, notes, noTshark bool) error {
	if path == "" {
		f, err := os.CreateTemp("", "benchtrace-*.pcap")
		if err != nil {
			return err
		}
		path = f.Name()
		f.Close()
		defer os.Remove(path)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := trace.WriteSyntheticCapture(f, n, seed); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	st, _ := os.Stat(path)
	fmt.Printf("wrote %d packets (%.1f MB) to %s in %v\n", n, float64(st.Size())/1e6, path, time.Since(start).Round(time.Millisecond))

	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer null.Close()
	runtime.GC()
	start = time.Now()
	bw := bufio.NewWriterSize(null, 1<<20)
	sum, err := trace.ReadFile(context.Background(), path, bw, trace.Options{Notes: notes})
	if err != nil {
		return err
	}
	bw.Flush()
	ours := time.Since(start)
	fmt.Printf("netdemo trace read: %v (%.0f ns/packet), peak RSS %s\n", ours.Round(time.Millisecond), float64(ours.Nanoseconds())/float64(n), peakRSS())
	fmt.Printf("  %d packets, %d flows, %d retransmissions, %d dup ACKs, %d out of order\n",
		sum.Packets, sum.Flows, sum.Retransmissions, sum.DupACKs, sum.OutOfOrder)

	if noTshark {
		return nil
	}
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		fmt.Println("tshark: not installed, no comparison")
		return nil
	}
	cmd := exec.Command(tshark, "-r", path)
	cmd.Stdout = null
	start = time.Now()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("tshark: %w", err)
	}
	theirs := time.Since(start)
	fmt.Printf("tshark -r:          %v\n", theirs.Round(time.Millisecond))
	fmt.Printf("ratio:              %.1f× faster\n", float64(theirs)/float64(ours))
	return nil
}

// peakRSS reads the process's high-water resident set size on Linux, and
// falls back to the Go heap's peak elsewhere.
func peakRSS() string {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "VmHWM:") {
				return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
			}
		}
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return fmt.Sprintf("%d kB (Go heap)", m.HeapSys/1024)
}
