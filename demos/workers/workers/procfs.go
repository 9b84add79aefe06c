package workers

import (
	"os"
	"strconv"
	"strings"
)

// parseKB reads the "Name:   123 kB" lines of /proc/PID/status and
// /proc/PID/smaps_rollup (proc(5)) into a map of KiB by name. Lines of any
// other shape (the header of smaps_rollup, "Threads:  7") are kept too when
// their value is a plain number, so that one parser serves both files.
func parseKB(text string) map[string]int {
	m := map[string]int{}
	for _, line := range strings.Split(text, "\n") {
		name, rest, ok := strings.Cut(line, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 || len(f) > 2 || (len(f) == 2 && f[1] != "kB") {
			continue
		}
		v, err := strconv.Atoi(f[0])
		if err != nil || v < 0 {
			continue
		}
		m[name] = v
	}
	return m
}

// procKB reads one /proc file of pid ("self" or a number) with parseKB.
// ok is false where there is no /proc (macOS) or the process is gone.
func procKB(pid, file string) (map[string]int, bool) {
	b, err := os.ReadFile("/proc/" + pid + "/" + file)
	if err != nil {
		return nil, false
	}
	return parseKB(string(b)), true
}

// memOf is the resident and proportional set size of a process, in KiB.
// PSS divides every shared page among the processes that map it; RSS
// counts it whole in each. hasPSS is false on kernels without
// smaps_rollup (before 4.14).
type memOf struct {
	RSS, PSS int
	HasPSS   bool
}

func readMem(pid int) (memOf, bool) {
	p := strconv.Itoa(pid)
	if m, ok := procKB(p, "smaps_rollup"); ok {
		if _, has := m["Pss"]; has {
			return memOf{RSS: m["Rss"], PSS: m["Pss"], HasPSS: true}, true
		}
	}
	if m, ok := procKB(p, "status"); ok {
		return memOf{RSS: m["VmRSS"]}, true
	}
	return memOf{}, false
}

// loadAverage is the 1-minute load average from /proc/loadavg (proc(5)):
// how many tasks, on average, were running or waiting for a CPU. ok is
// false where there is no /proc.
func loadAverage() (float64, bool) {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0, false
	}
	return parseLoadAvg(string(b))
}

func parseLoadAvg(s string) (float64, bool) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil || v < 0 || v != v {
		return 0, false
	}
	return v, true
}
