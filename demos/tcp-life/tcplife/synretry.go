package tcplife

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// synSchedule is when a client's kernel sends its SYN again, counted from
// the first SYN. RFC 6298 (§2.1, §5.5) starts the timer at 1 s and doubles
// it at each expiry: 1 s, 3 s, 7 s, … Recent Linux kernels first
// retransmit net.ipv4.tcp_syn_linear_timeouts times at 1-second intervals,
// and only then double.
type synSchedule struct {
	Linear int  // retransmissions at 1-second intervals before doubling
	Known  bool // Linear was read from the kernel
}

// times lists the first n retransmissions.
func (s synSchedule) times(n int) []time.Duration {
	var out []time.Duration
	at, rto := time.Duration(0), time.Second
	for i := 1; i <= n; i++ {
		if i > s.Linear && i > 1 {
			rto *= 2
		}
		at += rto
		out = append(out, at)
	}
	return out
}

// describe words the schedule, its items joined by sep: "1 s, 2 s, 3 s,
// 4 s, 6 s".
func (s synSchedule) describe(n int, sep string) string {
	var parts []string
	for _, t := range s.times(n) {
		parts = append(parts, fmt.Sprintf("%g s", t.Seconds()))
	}
	return strings.Join(parts, sep)
}

// nearest is the retransmission (1-based) whose time is within 300 ms of
// d, or 0.
func (s synSchedule) nearest(d time.Duration) int {
	for i, t := range s.times(8) {
		if diff := d - t; diff > -300*time.Millisecond && diff < 300*time.Millisecond {
			return i + 1
		}
	}
	return 0
}

// parseSysctl reads an integer sysctl's text ("4\n").
func parseSysctl(text string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(text))
	return n, err == nil && n >= 0
}
