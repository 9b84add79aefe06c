package trace

import (
	"testing"
	"time"
)

// TestFlowTableBounded feeds more flows than the table holds: the counts
// stay exact, memory stays bounded, and the oldest summaries are dropped.
func TestFlowTableBounded(t *testing.T) {
	a := NewAnalyzer(Options{MaxFlows: 10})
	for i := range 100 {
		a.Add(t0.Add(time.Duration(i)*time.Second), udpPacket(uint16(10000+i), 9999, payload(4), 1))
	}
	if got := a.Summary().Flows; got != 100 {
		t.Errorf("Summary().Flows = %d, want 100", got)
	}
	if n := len(a.flows.m); n > 10 {
		t.Errorf("%d active flows, want at most 10", n)
	}
	flows := a.Flows()
	if len(flows) == 0 {
		t.Fatal("Flows() = no summaries, want the most recent ones")
	}
	if len(flows) > 20 || flows[len(flows)-1].ID != 99 {
		t.Errorf("Flows() = %d summaries, last %v; want at most 20, the last flow 99", len(flows), flows[len(flows)-1])
	}
}

// TestPortReuse starts a new flow when a closed connection's ports are
// reused, as Wireshark starts a new tcp.stream.
func TestPortReuse(t *testing.T) {
	c := newConv()
	teardown3(c)
	c.after(time.Second)
	c.cseq += 100000
	c.handshake()
	pkts := c.analyze(t, Options{})
	if pkts[6].Flow != 1 || pkts[6].Note == "" || pkts[6].Labels == nil || len(pkts[6].Labels) != 0 {
		t.Errorf("SYN of the second connection: flow %d, labels %q, note %q", pkts[6].Flow, pkts[6].Labels, pkts[6].Note)
	}
}
