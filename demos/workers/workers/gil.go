//go:build unix

package workers

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// gilScript is the Python side: the same CPU-bound loop over 1 thread, 4
// threads and 4 processes, the same socket waits over 1 and 4 threads.
//
//go:embed gil.py
var gilScript []byte

// IO-bound work, the same in Python and Go: ioWaits receive timeouts of
// ioWaitMS each on a UDP socket that nobody sends to.
const (
	ioWaits  = 8
	ioWaitMS = 10
)

// bestOf is how many times each workload runs, in turn; the figures are the
// fastest (the least disturbed by other programs on the machine).
const bestOf = 3

// pythonReport is what gil.py prints.
type pythonReport struct {
	gilResult
	CPUs int `json:"cpus"`
}

// errNoPython says python3 is not installed; the demo says so in one line.
var errNoPython = fmt.Errorf("python3 not found")

// runPython runs gil.py with the real python3 in its own process group, so
// that multiprocessing's children end with it on Ctrl-C.
func runPython(ctx context.Context, loops int) (*pythonReport, error) {
	py, err := exec.LookPath("python3")
	if err != nil {
		return nil, errNoPython
	}
	dir, err := os.MkdirTemp("", "netdemo-workers-")
	if err != nil {
		return nil, fmt.Errorf("making a folder for gil.py: %w", err)
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "gil.py")
	if err := os.WriteFile(script, gilScript, 0o600); err != nil {
		return nil, fmt.Errorf("writing gil.py: %w", err)
	}
	cmd := exec.CommandContext(ctx, py, script, strconv.Itoa(loops), strconv.Itoa(ioWaits), strconv.Itoa(ioWaitMS), strconv.Itoa(bestOf))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	// Whatever happened, no process of the group outlives this call.
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if runErr != nil {
		return nil, fmt.Errorf("running %s gil.py: %v: %s", py, runErr, firstLine(stderr.String()))
	}
	var rep pythonReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		return nil, fmt.Errorf("gil.py printed %q: %w", firstLine(stdout.String()), err)
	}
	return &rep, nil
}
