package tracedemo

import (
	"flag"
	"sync"
)

// options are the trace demo's own flags, on top of the common ones.
type options struct {
	TLS     bool   // run the exchange over TLS 1.3
	Live    bool   // capture on the kernel's loopback instead of the lab
	Mermaid bool   // print the ladder as a Mermaid sequenceDiagram
	Pcapng  string // write a pcapng whose packet comments carry the notes
}

// The runner hands a demo a *flag.FlagSet to add flags to, but not the
// parsed values: Flags binds them to a fresh options value, and Run takes
// it. Parsing and running happen one after the other on the same goroutine
// of demo.Execute, so the hand-over only needs a lock for the case of two
// runs in one process (tests).
var (
	flagMu   sync.Mutex
	lastOpts = &options{}
)

func addFlags(fs *flag.FlagSet) {
	o := &options{}
	fs.BoolVar(&o.TLS, "tls", false, "run the same exchange over TLS 1.3 (with --pcap, a key log FILE.keylog is written beside it)")
	fs.BoolVar(&o.Live, "live", false, "capture on the real loopback with a raw socket (Linux, needs CAP_NET_RAW) instead of the lab")
	fs.BoolVar(&o.Mermaid, "mermaid", false, "also print the ladder diagram as a Mermaid sequenceDiagram")
	fs.StringVar(&o.Pcapng, "pcapng", "", "write the capture as pcapng `file`, each packet commented with its note")
	flagMu.Lock()
	lastOpts = o
	flagMu.Unlock()
}

// takeOptions returns the options of the latest parse.
func takeOptions() options {
	flagMu.Lock()
	defer flagMu.Unlock()
	return *lastOpts
}
