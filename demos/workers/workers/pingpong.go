//go:build unix

package workers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/netdemo/netdemo/internal/child"
)

// A context switch is measured as a ping-pong: side A writes one byte and
// blocks reading; side B wakes, reads it, writes one back and blocks; A
// wakes. One round trip is two switches. Processes and threads use pipes
// and blocking read(2)/write(2) on locked OS threads pinned to one CPU, so
// the kernel's scheduler does each hand-off; goroutines use an unbuffered
// channel, so Go's scheduler does it without entering the kernel.

// warmup round trips are done before the clock starts: the child's start,
// page faults, the first wake-ups.
const warmup = 200

// pingPongChild echoes bytes from the pipe "ping" to the pipe "pong" until
// EOF. args[0] is the CPU to pin to (-1: none).
func pingPongChild(ctx context.Context, args []string) int {
	runtime.LockOSThread()
	if len(args) > 0 {
		if cpu, err := strconv.Atoi(args[0]); err == nil && cpu >= 0 {
			pinThread(cpu)
		}
	}
	in, out := child.File("ping"), child.File("pong")
	if in == nil || out == nil {
		fmt.Fprintln(os.Stderr, "workers-pingpong: no ping or pong pipe")
		return 2
	}
	if err := echoBytes(int(in.Fd()), int(out.Fd())); err != nil {
		fmt.Fprintln(os.Stderr, "workers-pingpong:", err)
		return 1
	}
	return 0
}

// echoBytes is side B: read a byte, write it back, until EOF.
func echoBytes(in, out int) error {
	b := make([]byte, 1)
	for {
		n, err := readFull(in, b)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading ping: %w", err)
		}
		if _, err := writeAll(out, b[:n]); err != nil {
			return fmt.Errorf("writing pong: %w", err)
		}
	}
}

// rounds is side A: n round trips.
func rounds(w, r, n int) error {
	b := []byte{1}
	for i := 0; i < n; i++ {
		if _, err := writeAll(w, b); err != nil {
			return fmt.Errorf("writing ping: %w", err)
		}
		if _, err := readFull(r, b); err != nil {
			return fmt.Errorf("reading pong: %w", err)
		}
	}
	return nil
}

func readFull(fd int, b []byte) (int, error) {
	for {
		n, err := syscall.Read(fd, b)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, io.EOF
		}
		return n, nil
	}
}

func writeAll(fd int, b []byte) (int, error) {
	for {
		n, err := syscall.Write(fd, b)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		return n, err
	}
}

// switchProcesses ping-pongs n times with a child process over two pipes
// and returns the time of one switch (half a round trip).
func switchProcesses(ctx context.Context, n int) (per time.Duration, pinned bool, err error) {
	pingR, pingW, err := os.Pipe()
	if err != nil {
		return 0, false, fmt.Errorf("making a pipe: %w", err)
	}
	defer pingW.Close()
	pongR, pongW, err := os.Pipe()
	if err != nil {
		pingR.Close()
		return 0, false, fmt.Errorf("making a pipe: %w", err)
	}
	defer pongR.Close()

	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu, restore, pinned := pinThread(-1)
	defer restore()

	p, err := child.Start(ctx, childPingPong, []string{strconv.Itoa(cpu)}, child.Files{"ping": pingR, "pong": pongW})
	pingR.Close()
	pongW.Close()
	if err != nil {
		return 0, false, err
	}
	w, r := int(pingW.Fd()), int(pongR.Fd())
	if err := rounds(w, r, warmup); err != nil {
		p.Stop(time.Second)
		return 0, false, fmt.Errorf("ping-pong with child %d: %w", p.PID(), err)
	}
	start := time.Now()
	err = rounds(w, r, n)
	d := time.Since(start)
	pingW.Close() // EOF: the child returns
	select {
	case <-p.Done():
	case <-time.After(2 * time.Second):
		p.Stop(time.Second)
	}
	if err != nil {
		return 0, false, fmt.Errorf("ping-pong with child %d: %w", p.PID(), err)
	}
	if code := p.ExitCode(); code != 0 {
		return 0, false, fmt.Errorf("ping-pong child %d exited with status %d", p.PID(), code)
	}
	return d / time.Duration(2*n), pinned, nil
}

// switchThreads ping-pongs n times between two OS threads of this process
// over two pipes.
func switchThreads(n int) (per time.Duration, pinned bool, err error) {
	var ping, pong [2]int
	if err := syscall.Pipe(ping[:]); err != nil {
		return 0, false, fmt.Errorf("making a pipe: %w", err)
	}
	if err := syscall.Pipe(pong[:]); err != nil {
		syscall.Close(ping[0])
		syscall.Close(ping[1])
		return 0, false, fmt.Errorf("making a pipe: %w", err)
	}
	defer syscall.Close(ping[0])
	defer syscall.Close(pong[0])
	defer syscall.Close(pong[1])

	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu, restore, pinned := pinThread(-1)
	defer restore()

	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if pinned {
			_, undo, _ := pinThread(cpu)
			defer undo()
		}
		done <- echoBytes(ping[0], pong[1])
	}()
	err = rounds(ping[1], pong[0], warmup)
	start := time.Now()
	if err == nil {
		err = rounds(ping[1], pong[0], n)
	}
	d := time.Since(start)
	syscall.Close(ping[1]) // EOF: the other thread returns
	if e := <-done; err == nil {
		err = e
	}
	if err != nil {
		return 0, false, fmt.Errorf("ping-pong between threads: %w", err)
	}
	return d / time.Duration(2*n), pinned, nil
}

// switchGoroutines ping-pongs n times between two goroutines over
// unbuffered channels.
func switchGoroutines(n int) time.Duration {
	ping, pong := make(chan byte), make(chan byte)
	go func() {
		for b := range ping {
			pong <- b
		}
		close(pong)
	}()
	for i := 0; i < warmup; i++ {
		ping <- 1
		<-pong
	}
	start := time.Now()
	for i := 0; i < n; i++ {
		ping <- 1
		<-pong
	}
	d := time.Since(start)
	close(ping)
	<-pong
	return d / time.Duration(2*n)
}

// switchReport is what a workers-switch child measured.
type switchReport struct {
	ProcessNS float64 `json:"process_ns"`
	ThreadNS  float64 `json:"thread_ns"`
	Pinned    bool    `json:"pinned"`
}

// switchChild measures the kernel's switches, between this child and a
// ping-pong grandchild and between two of its own threads. It runs in a
// child because pinning is contagious: a thread the runtime clones while a
// pinned thread runs inherits the one-CPU mask and keeps it, and so would
// every process later started from it. Here such threads end with the
// child.
func switchChild(ctx context.Context, args []string) int {
	if len(args) != 1 {
		return 2
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || n < 1 {
		return 2
	}
	proc, pinnedP, err := switchProcesses(ctx, n)
	if err != nil {
		fmt.Fprintln(os.Stderr, "workers-switch:", err)
		return 1
	}
	thr, pinnedT, err := switchThreads(n)
	if err != nil {
		fmt.Fprintln(os.Stderr, "workers-switch:", err)
		return 1
	}
	json.NewEncoder(os.Stdout).Encode(switchReport{ProcessNS: float64(proc), ThreadNS: float64(thr), Pinned: pinnedP && pinnedT})
	return 0
}

// measureKernelSwitches runs switchChild.
func measureKernelSwitches(ctx context.Context, n int) (switchReport, error) {
	cmd, err := child.Command(ctx, childSwitch, []string{strconv.Itoa(n)}, nil)
	if err != nil {
		return switchReport{}, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return switchReport{}, fmt.Errorf("switch child: %v: %s", err, firstLine(stderr.String()))
	}
	var rep switchReport
	if err := json.Unmarshal(out, &rep); err != nil {
		return rep, fmt.Errorf("switch child printed %q: %w", out, err)
	}
	return rep, nil
}
