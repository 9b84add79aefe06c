package tcpudp

// result is the demo's result object. The names of the json fields are a
// contract: tests and classroom scripts read them. Fields may be added but
// never renamed.
type result struct {
	TCP          tcpResult      `json:"tcp"`
	UDP          udpResult      `json:"udp"`
	Link         linkResult     `json:"link"`
	TCPConnectMS float64        `json:"tcp_connect_ms"` // the handshake on the lab link, about one RTT
	Boundaries   boundaryResult `json:"boundaries"`     // on kernel loopback
}

type tcpResult struct {
	Sent            int     `json:"sent"`
	Delivered       int     `json:"delivered"`
	InOrder         bool    `json:"in_order"`        // every message arrived in the order sent
	StoppedEarly    bool    `json:"stopped_early"`   // --budget ran out before every message arrived
	Retransmissions int     `json:"retransmissions"` // data segments the tap saw sent again
	P50MS           float64 `json:"p50_ms"`          // per-message latency, send → receive
	P99MS           float64 `json:"p99_ms"`

	HOLBlocked    int     `json:"hol_blocked"`        // messages that sat complete in the receive buffer behind a gap
	HOLWaitMaxMS  float64 `json:"hol_wait_max_ms"`    // the longest such wait
	SenderWaitMax float64 `json:"sender_wait_max_ms"` // longest wait before the copy that arrived was sent (window, repair)

	Handshake    []string `json:"handshake"`      // flags of the handshake frames, e.g. SYN, SYN-ACK, ACK
	SYNs         int      `json:"syns"`           // SYNs the client sent (more than 1: one was lost)
	DroppedData  int      `json:"dropped_frames"` // data-carrying frames the link dropped
	HeaderBytes  int      `json:"header_bytes"`   // TCP header of a data segment, options included
	Frames       int      `json:"frames"`         // packets of the connection, both directions
	PureACKs     int      `json:"pure_acks"`      // of them, ACKs from the server carrying no data
	WireBytes    int      `json:"wire_bytes"`     // their IP total lengths added up
	PayloadBytes int      `json:"payload_bytes"`  // the messages' bytes: Sent × 100
}

type udpResult struct {
	Sent      int     `json:"sent"`
	Delivered int     `json:"delivered"`
	Lost      int     `json:"lost"`
	Reordered int     `json:"reordered"` // arrived after a higher-numbered message
	P50MS     float64 `json:"p50_ms"`
	P99MS     float64 `json:"p99_ms"`

	Duplicates   int    `json:"duplicates"`     // extra copies received (with --duplicate)
	DialFrames   int    `json:"dial_frames"`    // frames UDP's Dial put on the wire: 0
	FirstPayload int    `json:"first_payload"`  // payload bytes of UDP's first frame: already data
	DroppedData  int    `json:"dropped_frames"` // datagrams the link dropped
	HeaderBytes  int    `json:"header_bytes"`   // 8
	Frames       int    `json:"frames"`
	WireBytes    int    `json:"wire_bytes"`
	PayloadBytes int    `json:"payload_bytes"`
	MaxDatagram  int    `json:"max_datagram"`  // largest payload this OS sent on loopback (65,507 on Linux)
	TooBigError  string `json:"too_big_error"` // the real error of sending 65,508 bytes
	Truncated    bool   `json:"truncated"`     // a datagram bigger than the read buffer lost its tail
}

type linkResult struct {
	RTTMS   float64 `json:"rtt_ms"`
	Loss    float64 `json:"loss"`
	Seed    int64   `json:"seed"`
	Reorder float64 `json:"reorder"`
}

type boundaryResult struct {
	TCPWrites int `json:"tcp_writes"`
	TCPReads  int `json:"tcp_reads"`
	UDPSends  int `json:"udp_sends"`
	UDPReads  int `json:"udp_reads"`
}
