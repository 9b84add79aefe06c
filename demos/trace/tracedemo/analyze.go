package tracedemo

import (
	"fmt"
	"strings"

	"github.com/netdemo/netdemo/internal/trace"
)

// analysis is the engine's reading of a capture, kept whole: the demo's
// captures are a few dozen packets, and the ladder needs them all.
type analysis struct {
	Packets []trace.Packet
	Dropped []bool // by packet index: lost on the lab's link
	Summary trace.Summary
	Flows   []trace.Flow
}

// analyze feeds every packet, in capture order, to the trace engine.
func analyze(c *capture, lang string) (*analysis, error) {
	if len(c.Packets) == 0 {
		return nil, fmt.Errorf("the capture is empty: no packet of the exchange was seen")
	}
	az := trace.NewAnalyzer(trace.Options{Lang: lang, Notes: true})
	a := &analysis{Packets: make([]trace.Packet, 0, len(c.Packets)), Dropped: make([]bool, 0, len(c.Packets))}
	for _, p := range c.Packets {
		a.Packets = append(a.Packets, az.Add(p.At, p.Data))
		a.Dropped = append(a.Dropped, p.Dropped)
	}
	a.Summary = az.Summary()
	a.Flows = az.Flows()
	return a, nil
}

// lost counts the packets the lab's link dropped.
func (a *analysis) lost() int {
	n := 0
	for _, d := range a.Dropped {
		if d {
			n++
		}
	}
	return n
}

// protocols lists the distinct protocols of the capture, in order of
// first appearance ("TCP", "HTTP", "TLSv1.3", "UDP").
func (a *analysis) protocols() []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range a.Packets {
		if !seen[p.Protocol] {
			seen[p.Protocol] = true
			out = append(out, p.Protocol)
		}
	}
	return out
}

// count returns how many packets satisfy f.
func (a *analysis) count(f func(trace.Packet) bool) int {
	n := 0
	for _, p := range a.Packets {
		if f(p) {
			n++
		}
	}
	return n
}

func hasFlag(p trace.Packet, flag string) bool { return strings.Contains(p.Flags, flag) }
