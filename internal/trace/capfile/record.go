package capfile

import "time"

// Record is one packet read from a capture file.
type Record struct {
	Number int       // 1-based position among the packets of the file
	Time   time.Time // when the packet was captured; the Unix epoch when NoTime
	// NoTime says that the file recorded no time for this packet: pcapng
	// simple packet blocks carry none. tshark leaves its time column empty.
	NoTime   bool
	LinkType LinkType // link type of the interface that captured it
	OrigLen  int      // length on the wire; may exceed len(Data) when the capture was cut short (snaplen)
	// Data holds the captured bytes. It is only valid until the next call
	// to [Reader.Next]: the reader reuses one buffer for every packet.
	Data []byte
	// Interface is the pcapng interface index (0 for pcap).
	Interface int
	// TimeDigits is how many decimals of a second the file records: 6 for
	// microsecond files, 9 for nanosecond files. Printers use it as tshark does.
	TimeDigits int
	// Comments are the pcapng opt_comment options of the packet; nil when none.
	Comments []string
}
