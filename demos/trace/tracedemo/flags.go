package tracedemo

// options are the trace demo's own flags, on top of the common ones.
type options struct {
	TLS     bool   `flag:"tls" help:"run the same exchange over TLS 1.3 (with --pcap, a key log FILE.keylog is written beside it)"`
	Live    bool   `flag:"live" help:"capture on the real loopback with a raw socket (Linux, needs CAP_NET_RAW) instead of the lab"`
	Mermaid bool   `flag:"mermaid" help:"also print the ladder diagram as a Mermaid sequenceDiagram"`
	Pcapng  string `flag:"pcapng" help:"write the capture as pcapng file, each packet commented with its note"`
}

// newOptions returns the defaults: a clean exchange on the lab, in clear.
func newOptions() any { return &options{} }
