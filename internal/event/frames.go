package event

// Frames is a list of frames a tap saw on a link: the data behind a frame
// table in the terminal and a ladder diagram in the web view.
type Frames struct {
	Head
	ID    string `json:"id"`
	Title string `json:"title,omitempty"`
	// Hosts are the columns of a ladder, left to right (e.g. client, server).
	Hosts  []string `json:"hosts"`
	Frames []Frame  `json:"frames"`
	// Summarize asks the text view for one line instead of a row per
	// frame: the demo says in prose what the frames show, and the web
	// view draws them as a ladder.
	Summarize bool `json:"summarize,omitempty"`
}

// Frame is one frame as the link handled it.
type Frame struct {
	N     int     `json:"n"`    // the tap's frame number
	TMs   float64 `json:"t_ms"` // time since the first frame of the list
	From  string  `json:"from"` // a name from Hosts
	To    string  `json:"to"`
	Proto string  `json:"proto"`           // "TCP", "UDP", "QUIC" …
	Flags string  `json:"flags,omitempty"` // "SYN", "ACK PSH" …
	Len   int     `json:"len"`             // bytes on the wire (IP total length)
	// Payload is the transport payload length.
	Payload int    `json:"payload"`
	Seq     uint32 `json:"seq,omitempty"`
	Ack     uint32 `json:"ack,omitempty"`
	// Fate is what the link did: "delivered", "dropped", "duplicated",
	// "reordered".
	Fate string `json:"fate"`
	// Retransmission marks a TCP segment whose bytes were sent before.
	Retransmission bool   `json:"retransmission,omitempty"`
	Note           string `json:"note,omitempty"`
}
