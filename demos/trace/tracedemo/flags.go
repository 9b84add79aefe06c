package tracedemo

import "flag"

// options are the trace demo's own flags, on top of the common ones.
type options struct {
	TLS     bool   // run the exchange over TLS 1.3
	Live    bool   // capture on the kernel's loopback instead of the lab
	Mermaid bool   // print the ladder as a Mermaid sequenceDiagram
	Pcapng  string // write a pcapng whose packet comments carry the notes
}

func addFlags(fs *flag.FlagSet) {
	fs.Bool("tls", false, "run the same exchange over TLS 1.3 (with --pcap, a key log FILE.keylog is written beside it)")
	fs.Bool("live", false, "capture on the real loopback with a raw socket (Linux, needs CAP_NET_RAW) instead of the lab")
	fs.Bool("mermaid", false, "also print the ladder diagram as a Mermaid sequenceDiagram")
	fs.String("pcapng", "", "write the capture as pcapng `file`, each packet commented with its note")
}

// runOptions reads this run's values of the demo's flags.
func runOptions(r interface{ Flag(string) any }) options {
	var o options
	o.TLS, _ = r.Flag("tls").(bool)
	o.Live, _ = r.Flag("live").(bool)
	o.Mermaid, _ = r.Flag("mermaid").(bool)
	o.Pcapng, _ = r.Flag("pcapng").(string)
	return o
}
