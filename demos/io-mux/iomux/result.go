package iomux

// result is the demo's result object. The names of the json fields are a
// contract (issue 13 §4): fields may be added, never renamed.
type result struct {
	Servers       servers       `json:"servers"`
	SelectLimit   selectLimit   `json:"select_limit"`
	EdgeTriggered edgeResult    `json:"edge_triggered"`
	NofileLimit   int           `json:"nofile_limit"` // RLIMIT_NOFILE (soft) after raising it to the hard limit
	Python        *pythonResult `json:"python"`       // null when python3 is not installed

	Mechanism string `json:"event_mechanism"` // "epoll" on Linux, "kqueue" on macOS
	Active    int    `json:"active"`          // connections that sent requests
	Requests  int    `json:"requests"`        // requests per active connection per measurement
}

type servers struct {
	Threads serverResult `json:"threads"`
	Select  serverResult `json:"select"`
	Poll    serverResult `json:"poll"`
	Epoll   serverResult `json:"epoll"`
	Netpoll serverResult `json:"netpoll"`
}

type serverResult struct {
	ByConns []row `json:"by_conns"`
	// Limit says why the curve stops early (select: FD_SETSIZE), if it does.
	Limit string `json:"limit,omitempty"`
}

// row is one server at one number of open connections.
type row struct {
	Conns      int     `json:"conns"`
	P50US      float64 `json:"p50_us"`
	P99US      float64 `json:"p99_us"`
	CPUUSPer1k float64 `json:"cpu_us_per_1k"`
	// FdsScannedPerWake is null where the waiting is inside the Go runtime.
	FdsScannedPerWake *float64 `json:"fds_scanned_per_wake"`
	OSThreads         int      `json:"os_threads"`
	RSSKBPerConn      float64  `json:"rss_kb_per_conn"`
}

type selectLimit struct {
	FDSetSize int    `json:"fd_setsize"`
	RefusedFD int    `json:"refused_fd"` // 0: no descriptor ≥ FD_SETSIZE could be opened
	Error     string `json:"error"`
	// ClientSaw is what the client of the refused connection observed.
	ClientSaw string `json:"client_saw,omitempty"`
	// PollServed: poll echoed a client whose descriptor was ≥ FD_SETSIZE.
	PollServed bool `json:"poll_served"`
	PollFD     int  `json:"poll_fd"` // the poll server's descriptor for that client
}

type edgeResult struct {
	Stalled bool `json:"stalled"` // observed: one read per edge left bytes in the socket
	Fixed   bool `json:"fixed"`   // observed: reading until EAGAIN echoed everything

	Sent          int  `json:"sent"`           // bytes sent in one write
	ReadSize      int  `json:"read_size"`      // bytes per read in the server
	EchoedStalled int  `json:"echoed_stalled"` // bytes echoed by the one-read loop before it stalled
	UnreadStalled int  `json:"unread_stalled"` // bytes left in the server's socket (FIONREAD)
	LevelOnceOK   bool `json:"level_once_ok"`  // level-triggered, one read per event, echoed everything
	NudgeReleased int  `json:"nudge_released"` // bytes one more byte from the client released
}

type pythonResult struct {
	Version  string `json:"version"`
	Selector string `json:"selector"`
	// SingleThreadBlockedMS is how long a request waited on HTTPServer
	// while another connection sat idle.
	SingleThreadBlockedMS float64 `json:"single_thread_blocked_ms"`
	// ThreadedThreads: threads of ThreadingHTTPServer with IdleConns idle
	// connections open.
	ThreadedThreads int `json:"threaded_threads"`
	IdleConns       int `json:"idle_conns"`
	// HoldMS: how long the demo kept the idle connection open.
	HoldMS float64 `json:"hold_ms"`
	// EpollUS: the demo's epoll server answered with an idle connection open.
	EpollUS float64 `json:"epoll_us"`
}
