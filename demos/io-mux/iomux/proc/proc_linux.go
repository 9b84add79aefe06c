package proc

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// Threads is the number of OS threads of this process (the Threads line
// of /proc/self/status).
func Threads() int { return statusField("Threads:") }

// RSSKB is this process's resident memory in KiB (VmRSS).
func RSSKB() int { return statusField("VmRSS:") }

// OpenFDs counts this process's open descriptors (/proc/self/fd, less
// the one the count itself opens).
func OpenFDs() int { return countDir("/proc/self/fd") }

func capHard(max uint64) uint64 { return max }

func statusField(name string) int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, name); ok {
			fields := strings.Fields(rest)
			if len(fields) > 0 {
				n, err := strconv.Atoi(fields[0])
				if err == nil {
					return n
				}
			}
		}
	}
	return -1
}

func countDir(dir string) int {
	f, err := os.Open(dir)
	if err != nil {
		return -1
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return -1
	}
	return len(names) - 1 // the directory we are reading is open too
}
