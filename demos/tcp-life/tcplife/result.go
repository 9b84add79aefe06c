package tcplife

// result is the demo's result object. The names of the json fields are a
// contract (issue 16 §5): tests and classroom scripts read them. Fields may
// be added but never renamed. A part that could not run on this system
// leaves its fields at their zero values and says why in the narration.
type result struct {
	States         statesResult     `json:"states"`
	TimeWaitS      float64          `json:"time_wait_s"`      // TIME_WAIT's length on this kernel, from its timer
	CloseWaitPiled int              `json:"close_wait_piled"` // sockets the kernel listed in CLOSE_WAIT
	ReuseAddr      reuseResult      `json:"reuseaddr"`
	Backlog        backlogResult    `json:"backlog"`
	SYNFlood       synFloodResult   `json:"syn_flood"`
	ZeroWindow     zeroWindowResult `json:"zero_window"`
	Congestion     congestionResult `json:"congestion"`
	Nagle          nagleResult      `json:"nagle"`
}

type statesResult struct {
	ActiveCloser  []string `json:"active_closer"`  // states the kernel reported, in order
	PassiveCloser []string `json:"passive_closer"` //
}

type reuseResult struct {
	Without string `json:"without"` // bind() without SO_REUSEADDR: the error text, or "ok"
	With    string `json:"with"`    // with SO_REUSEADDR
}

type backlogResult struct {
	Backlog   int       `json:"backlog"`    // listen()'s argument
	ConnectMS []float64 `json:"connect_ms"` // each client's connect() time, in dial order
}

type synFloodResult struct {
	SpoofedSYNs         int     `json:"spoofed_syns"`
	SYNCookiesUsed      bool    `json:"syn_cookies_used"` // the real client's connection came from a valid cookie
	RealClientConnectMS float64 `json:"real_client_connect_ms"`
	SYNACKsToVoid       int     `json:"synacks_to_void"` // SYN-ACKs the server sent to spoofed addresses
	HalfOpen            int     `json:"half_open"`       // of them, for SYNs the server kept state for
}

type zeroWindowResult struct {
	Seen    bool    `json:"seen"`     // the receiver advertised a zero window
	Probes  int     `json:"probes"`   // zero-window probes the sender sent meanwhile
	StallMS float64 `json:"stall_ms"` // from the first zero window to the window update
}

type congestionResult struct {
	Reno  ccResult `json:"reno"`
	Cubic ccResult `json:"cubic"`
}

type ccResult struct {
	FlightPerRTT []int   `json:"flight_per_rtt"` // most bytes in flight in each round trip
	CutAfterLoss float64 `json:"cut_after_loss"` // flight after the loss's repair ÷ the peak before
	Resent       int     `json:"resent"`         // data segments sent again: 1 is the dropped one alone
}

type nagleResult struct {
	NoDelayMSP50 float64 `json:"nodelay_ms_p50"` // per exchange, Nagle off (Go's default)
	NagleMSP50   float64 `json:"nagle_ms_p50"`   // Nagle on
}
