package workers

// result is the demo's result object. The names of the json fields are a
// contract (issue 14, §5): tests and classroom scripts read them. Fields may
// be added but never renamed.
type result struct {
	CPUs       int         `json:"cpus"`         // runtime.NumCPU: no speed-up is claimed beyond it
	GOMAXPROCS int         `json:"gomaxprocs"`   // of the demo process
	LoadAvg    *float64    `json:"load_average"` // 1-minute load average when the run started (null: not known)
	CreateUS   perKind     `json:"create_us"`    // create + wait for one unit, µs
	MemoryKB   memPerKind  `json:"memory_kb_per_unit"`
	SwitchUS   perKind     `json:"switch_us"` // one switch = half a ping-pong round trip, µs
	Pinned     bool        `json:"switch_pinned"`
	Memory     memoryNotes `json:"memory"`

	ChildCounterChangedParent bool        `json:"child_counter_changed_parent"` // want false
	SameAddress               bool        `json:"counter_same_address"`         // the child's counter had the parent's virtual address
	LostUpdates               lostUpdates `json:"lost_updates"`
	Crash                     crashResult `json:"crash"`

	Prefork preforkResult `json:"prefork"`
	Single  serverLoad    `json:"single"` // one process, a goroutine per connection, same load

	GIL *gilResult `json:"gil"` // null when python3 is not installed
	Go  goResult   `json:"go"`
}

// perKind is one figure per kind of unit.
type perKind struct {
	Process   float64 `json:"process"`
	Thread    float64 `json:"thread"`
	Goroutine float64 `json:"goroutine"`
}

// memPerKind is KiB per idle unit; null where this system cannot say (no
// /proc on macOS).
type memPerKind struct {
	Process   *float64 `json:"process"`   // PSS where /proc gives it, else RSS
	Thread    *float64 `json:"thread"`    // resident pages the process gained per thread
	Goroutine float64  `json:"goroutine"` // runtime stack in use per goroutine
}

// memoryNotes are the figures behind memory_kb_per_unit.
type memoryNotes struct {
	ProcessRSSKB        *float64 `json:"process_rss_kb"` // average RSS of an idle child
	ProcessPSSKB        *float64 `json:"process_pss_kb"` // average PSS: shared pages divided among their sharers
	ThreadVirtualKB     *float64 `json:"thread_virtual_kb"`
	ThreadsCreated      int      `json:"threads_created"`       // distinct kernel thread ids of the create run (0: no gettid)
	StackStartBytes     int      `json:"stack_start_bytes"`     // runtime/metrics /gc/stack/starting-size:bytes in this process
	StackMinBytes       int      `json:"stack_min_bytes"`       // the same in a child with GODEBUG=adaptivestackstart=0
	StackAdaptedBytes   int      `json:"stack_adapted_bytes"`   // in a child, after a GC saw deep stacks
	RLimitStackKB       int      `json:"rlimit_stack_kb"`       // what a C (pthread) thread would reserve by default
	GoroutineRSSKB      float64  `json:"goroutine_rss_kb"`      // resident memory gained per idle goroutine
	GoroutineStackBytes float64  `json:"goroutine_stack_bytes"` // runtime StackInuse gained per idle goroutine
}

type lostUpdates struct {
	Unsynchronised int     `json:"unsynchronised"`
	Mutex          int     `json:"mutex"`
	Atomic         int     `json:"atomic"`
	Goroutines     int     `json:"goroutines"`
	Increments     int     `json:"increments"`   // made without synchronisation, all goroutines together
	RaceForMS      float64 `json:"race_for_ms"`  // how long each way ran
	AllowedCPUs    int     `json:"allowed_cpus"` // CPUs the race child could run on (0: unknown)
	RaceDetector   bool    `json:"race_detector"`
	// UnsyncRuns is how many runs of RaceForMS the plain increments took:
	// a run that lost nothing (the goroutines never had two CPUs at once)
	// is repeated, up to raceRuns times.
	UnsyncRuns int `json:"unsynchronised_runs"`
	// UnsyncCPUs is the race child's CPU time over wall time during those
	// runs: below about 1, the goroutines never had two CPUs at once.
	UnsyncCPUs float64 `json:"unsynchronised_cpus"`
}

type crashResult struct {
	ProcessModelSurvivors    int    `json:"process_model_survivors"` // workers still serving after one crashed
	ProcessModelRequestsOK   int    `json:"process_model_requests_ok"`
	ProcessModelRequests     int    `json:"process_model_requests"`
	CrashedWorkerExitStatus  int    `json:"crashed_worker_exit_status"`
	GoroutinePanicExitStatus int    `json:"goroutine_panic_exit_status"`
	GoroutinePanicMessage    string `json:"goroutine_panic_message"`
	GoroutinesAlive          int    `json:"goroutines_alive"` // running in the child when one of them panicked
}

type preforkResult struct {
	Workers                   int         `json:"workers"`
	PIDsSeen                  int         `json:"pids_seen"` // distinct PIDs that answered
	Requests                  int         `json:"requests"`
	Served                    map[int]int `json:"served"` // PID → requests
	KilledPID                 int         `json:"killed_pid"`
	RespawnedPID              int         `json:"respawned_pid"`
	Sigchld                   int         `json:"sigchld"`               // SIGCHLD signals the master received
	FailedRequests            int         `json:"failed_requests"`       // failed after the replacement was ready: want 0
	FailedBeforeRestart       int         `json:"failed_before_restart"` // in flight on the killed worker
	RespawnMS                 float64     `json:"respawn_ms"`            // kill → replacement ready
	GracefulInflight          int         `json:"graceful_inflight"`
	GracefulInflightCompleted int         `json:"graceful_inflight_completed"`
	GracefulExitCodes         []int       `json:"graceful_exit_codes"`
	Load                      serverLoad  `json:"load"`
}

// serverLoad is one server model under the same load.
type serverLoad struct {
	Processes      int      `json:"processes"`
	Requests       int      `json:"requests"`
	Failed         int      `json:"failed"`
	RequestsPerSec float64  `json:"requests_per_s"`
	RSSKB          *float64 `json:"rss_kb"` // all its processes together
	PSSKB          *float64 `json:"pss_kb"`
}

type gilResult struct {
	Python          string  `json:"python"` // sys.version
	Executable      string  `json:"executable"`
	FreeThreaded    bool    `json:"free_threaded"`
	GILEnabled      bool    `json:"gil_enabled"`
	GILEnabledFrom  string  `json:"gil_enabled_from"` // how this run knows
	SwitchIntervalS float64 `json:"switch_interval_s"`
	StartMethod     string  `json:"start_method"` // multiprocessing's
	CPU             struct {
		Threads1S   float64 `json:"threads1_s"`
		Threads4S   float64 `json:"threads4_s"`
		Processes4S float64 `json:"processes4_s"`
		// Threads4Cores is CPU time over wall time of the 4 threads (the
		// most of any repetition): how many cores they used at once.
		Threads4Cores float64 `json:"threads4_cores"`
	} `json:"cpu"`
	IO struct {
		Threads1S float64 `json:"threads1_s"`
		Threads4S float64 `json:"threads4_s"`
	} `json:"io"`
}

type goResult struct {
	CPU struct {
		GOMAXPROCS1S float64 `json:"gomaxprocs1_s"`
		GOMAXPROCSNS float64 `json:"gomaxprocsN_s"`
	} `json:"cpu"`
	IO struct {
		GOMAXPROCS1S float64 `json:"gomaxprocs1_s"`
		GOMAXPROCSNS float64 `json:"gomaxprocsN_s"`
	} `json:"io"`
	N int `json:"n"` // the GOMAXPROCS of the second child: NumCPU
}
