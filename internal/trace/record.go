package trace

import "time"

// Packet is the machine-readable record of one packet: what the text line
// says, field by field. Its JSON form is a stable contract.
type Packet struct {
	Number int     `json:"number"`
	Time   float64 `json:"time"` // seconds since the first packet
	// NoTime says the capture recorded no time for this packet (a pcapng
	// simple packet block): Time is then meaningless and the line shows none.
	NoTime   bool     `json:"no_time,omitempty"`
	Src      string   `json:"src"` // address, without port
	Dst      string   `json:"dst"`
	SrcPort  int      `json:"sport,omitempty"`
	DstPort  int      `json:"dport,omitempty"`
	Protocol string   `json:"protocol"` // "TCP", "UDP", "HTTP", "TLSv1.3", "QUIC", "ICMP", "ARP"...
	Length   int      `json:"length"`   // bytes on the wire
	Flags    string   `json:"flags,omitempty"`
	Seq      uint32   `json:"seq"` // relative, as tshark shows it
	Ack      uint32   `json:"ack"` // relative; 0 when the ACK flag is clear
	Len      int      `json:"len"` // TCP or UDP payload bytes
	Labels   []string `json:"labels"`
	Info     string   `json:"info"` // tshark's Info column
	Note     string   `json:"note,omitempty"`
	// Flow numbers TCP and UDP flows from 0 in order of appearance, like
	// tshark's tcp.stream; -1 for packets of no flow.
	Flow int `json:"flow"`
	// FromClient is true when the packet goes from the flow's client (the
	// side that sent the first SYN, or the first packet) to its server.
	FromClient bool `json:"from_client"`
}

// Summary counts what happened in a capture.
type Summary struct {
	Packets         int `json:"packets"`
	Flows           int `json:"flows"`
	Handshakes      int `json:"handshakes"` // completed three-way handshakes
	Teardowns       int `json:"teardowns"`  // FIN exchanges completed in both directions
	Resets          int `json:"resets"`     // packets with RST
	Retransmissions int `json:"retransmissions"`
	DupACKs         int `json:"dup_acks"`
	OutOfOrder      int `json:"out_of_order"`
	UDPDatagrams    int `json:"udp_datagrams"`
}

// Flow summarises one TCP or UDP conversation, like a row of
// tshark -z conv,tcp.
type Flow struct {
	ID        int           `json:"id"`
	Protocol  string        `json:"protocol"` // "TCP" or "UDP"
	Client    string        `json:"client"`   // "192.0.2.1:49152"; [2001:db8::1]:443 for IPv6
	Server    string        `json:"server"`
	Start     float64       `json:"start"` // seconds since the first packet of the capture that has a time
	Duration  float64       `json:"duration"`
	NoTime    bool          `json:"no_time,omitempty"` // no packet of the flow has a time: Start and Duration are 0
	Packets   [2]int        `json:"packets"`           // [client→server, server→client]
	Bytes     [2]int64      `json:"bytes"`             // frame bytes each way
	Payload   [2]int64      `json:"payload"`           // TCP/UDP payload bytes each way
	RTT       time.Duration `json:"rtt_ns"`            // SYN → SYN/ACK → ACK, as Wireshark's iRTT; 0 if not seen
	Retrans   int           `json:"retransmissions"`
	DupACKs   int           `json:"dup_acks"`
	End       string        `json:"end"` // "fin", "rst", "open" (TCP); "" (UDP)
	Handshake bool          `json:"handshake"`
}

func (f Flow) String() string { return f.Client + " ↔ " + f.Server }
