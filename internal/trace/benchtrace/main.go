// Command benchtrace times netdemo's capture reader side by side with
// tshark and tcpdump on one synthetic TCP capture (handshakes, bulk data
// with losses, retransmissions, duplicate ACKs, teardowns): it writes N
// packets to a file, then runs, each printing every packet to /dev/null,
//
//   - netdemo trace read FILE (text with notes: the default),
//   - netdemo trace read --notes=false FILE,
//   - netdemo trace read --json FILE,
//   - tshark -r FILE and tcpdump -nn -r FILE, when installed,
//
// and prints the times (wall clock, and the CPU time the process used:
// on a shared machine the second says more), the ratios to tshark and
// tcpdump, and the peak memory of each netdemo run. Each netdemo reader
// and tcpdump run -runs times (3) and the fastest run counts; tshark once. netdemo's reader runs in a child process (this
// program, re-executed), so that its peak memory is its own.
//
//	go run ./internal/trace/benchtrace -n 1000000 -o /tmp/trace.pcap
package main

import (
	"bufio"
	"context"
	"errors"
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
	reuse := flag.Bool("reuse", false, "read the file of -o as it is instead of writing it")
	seed := flag.Int64("seed", 1, "random seed of the synthetic capture")
	noTshark := flag.Bool("no-tshark", false, "do not run tshark")
	noTcpdump := flag.Bool("no-tcpdump", false, "do not run tcpdump")
	runs := flag.Int("runs", 3, "run each netdemo reader and tcpdump this many times and keep the fastest (tshark runs once)")
	child := flag.String("child", "", "internal: read FILE (the argument) in this mode: text, lines or json")
	flag.Parse()
	var err error
	if *child != "" {
		err = readChild(*child, flag.Arg(0))
	} else {
		err = run(*n, *out, *reuse, *seed, *noTshark, *noTcpdump, max(*runs, 1))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtrace:", err)
		os.Exit(1)
	}
}

// readChild reads path as `netdemo trace read` does, to /dev/null, and
// reports its peak memory on standard output.
func readChild(mode, path string) error {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer null.Close()
	opts := trace.Options{Notes: mode == "text", JSON: mode == "json", Flows: true}
	if _, err := trace.ReadFile(context.Background(), path, null, opts); err != nil {
		return err
	}
	fmt.Println(peakRSS())
	return nil
}

func run(n int, path string, reuse bool, seed int64, noTshark, noTcpdump bool, runs int) error {
	if path == "" {
		f, err := os.CreateTemp("", "benchtrace-*.pcap")
		if err != nil {
			return err
		}
		path = f.Name()
		f.Close()
		defer os.Remove(path)
	}
	if !reuse {
		if err := write(path, n, seed); err != nil {
			return err
		}
	}
	fmt.Printf("%d CPUs (GOMAXPROCS %d)\n\n", runtime.NumCPU(), runtime.GOMAXPROCS(0))
	self, err := os.Executable()
	if err != nil {
		return err
	}
	type result struct {
		name string
		t    times
		mem  string
	}
	var results []result
	var tshark, tcpdump time.Duration
	best := func(mk func() *exec.Cmd, capture bool, runs int) (times, string, error) {
		var b times
		var out string
		for i := range runs {
			t, o, err := timed(mk(), capture)
			if err != nil {
				return times{}, "", err
			}
			if i == 0 || t.wall < b.wall {
				b, out = t, o
			}
		}
		return b, out, nil
	}
	for _, mode := range []struct{ name, child string }{
		{"netdemo trace read (text, notes)", "text"},
		{"netdemo trace read --notes=false", "lines"},
		{"netdemo trace read --json", "json"},
	} {
		t, out, err := best(func() *exec.Cmd { return exec.Command(self, "-child", mode.child, path) }, true, runs)
		if err != nil {
			return fmt.Errorf("%s: %w", mode.name, err)
		}
		results = append(results, result{mode.name, t, strings.TrimSpace(out)})
	}
	for _, tool := range []struct {
		name string
		args []string
		skip bool
		d    *time.Duration
	}{
		{"tshark", []string{"-r", path}, noTshark, &tshark},
		{"tcpdump", []string{"-nn", "-r", path}, noTcpdump, &tcpdump},
	} {
		if tool.skip {
			continue
		}
		bin, err := exec.LookPath(tool.name)
		if err != nil {
			fmt.Printf("%s: not installed (apt-get install %s), no comparison\n", tool.name, tool.name)
			continue
		}
		n := runs
		if tool.name == "tshark" {
			n = 1 // seconds per run
		}
		t, _, err := best(func() *exec.Cmd { return exec.Command(bin, tool.args...) }, false, n)
		if err != nil {
			return fmt.Errorf("%s: %w", tool.name, err)
		}
		*tool.d = t.wall
		results = append(results, result{tool.name + " " + strings.Join(tool.args[:len(tool.args)-1], " "), t, ""})
	}
	text := results[0].t.wall
	fmt.Printf("%-34s %8s %8s %10s %8s %10s %10s  %s\n", "reader", "wall", "CPU", "ns/packet", "÷ text", "vs tshark", "vs tcpdump", "peak RSS")
	for _, r := range results {
		ratio := func(base time.Duration) string {
			if base == 0 {
				return "-"
			}
			return fmt.Sprintf("%.1f×", float64(base)/float64(r.t.wall))
		}
		fmt.Printf("%-34s %8v %8v %10.0f %7.2f× %10s %10s  %s\n", r.name, r.t.wall.Round(time.Millisecond), r.t.cpu.Round(time.Millisecond),
			float64(r.t.wall.Nanoseconds())/float64(n), float64(r.t.wall)/float64(text), ratio(tshark), ratio(tcpdump), r.mem)
	}
	fmt.Println("\n(ratios are of wall-clock times; ns/packet is wall time per packet)")
	return nil
}

// times is how long a run took, and the CPU time (user and system) it used.
type times struct{ wall, cpu time.Duration }

func write(path string, n int, seed int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	start := time.Now()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := trace.WriteSyntheticCapture(bw, n, seed); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Printf("wrote %d packets (%.1f MB) to %s in %v\n", n, float64(st.Size())/1e6, path, time.Since(start).Round(time.Millisecond))
	return nil
}

// timed runs cmd with its standard output to /dev/null (or captured, for
// the children's report) and returns how long it took.
func timed(cmd *exec.Cmd, capture bool) (times, string, error) {
	var out strings.Builder
	if capture {
		cmd.Stdout = &out
	} else {
		null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return times{}, "", err
		}
		defer null.Close()
		cmd.Stdout = null
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return times{}, "", fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
		}
		return times{}, "", err
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return times{d, cpu}, out.String(), nil
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
