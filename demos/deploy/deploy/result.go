package deploy

// result is the run's result object; its JSON names are the contract of
// issue 12 §4.
type result struct {
	Hops                 []hop             `json:"hops"`
	Forwarded            forwarded         `json:"forwarded"`
	StaticReachedApp     int64             `json:"static_reached_app"`
	TLSTerminatedAtProxy bool              `json:"tls_terminated_at_proxy"`
	Buffering            buffering         `json:"buffering"`
	Failover             failover          `json:"failover"`
	Timing               map[string]timing `json:"timing"`
	CGIProcesses         int               `json:"cgi_processes"`
	FastCGIRecords       map[string]int    `json:"fastcgi_records"`
	UWSGIHeader          string            `json:"uwsgi_header"`
	WSGI                 *wsgiResult       `json:"wsgi"`
	RealStack            *realStack        `json:"real_stack"`
	BadInput             []badCase         `json:"bad_input"`
}

// hop is one connection of the chain.
type hop struct {
	From      string `json:"from"`
	To        string `json:"to"`
	Transport string `json:"transport"` // "tcp", "tls over tcp", "unix"
	Addr      string `json:"addr"`      // where To listens
}

// forwarded is what the app received from the proxy about the client.
type forwarded struct {
	XForwardedFor   string `json:"x_forwarded_for"`
	XForwardedProto string `json:"x_forwarded_proto"`
	XForwardedHost  string `json:"x_forwarded_host"`
	Via             string `json:"via"`
	// AppRemoteAddr is the peer of the app's own socket: what the app
	// would log as the client without the headers.
	AppRemoteAddr string `json:"app_remote_addr"`
}

// buffering is how long a one-request-at-a-time worker was held by a slow
// client, without and with the proxy buffering the request body (and, in
// the slow_reader fields, the response).
type buffering struct {
	WorkerBusyMSUnbuffered           float64 `json:"worker_busy_ms_unbuffered"`
	WorkerBusyMSBuffered             float64 `json:"worker_busy_ms_buffered"`
	SlowReaderWorkerBusyMSUnbuffered float64 `json:"slow_reader_worker_busy_ms_unbuffered"`
	SlowReaderWorkerBusyMSBuffered   float64 `json:"slow_reader_worker_busy_ms_buffered"`
	ClientMS                         float64 `json:"client_ms"` // how long the slow upload took the client
}

// failover is what the client got while one of two app servers died.
type failover struct {
	Requests         int    `json:"requests"`
	Killed           string `json:"killed"`
	StatusWhileDown  int    `json:"status_while_down"`  // the first non-200 after the kill, 0 if none
	Errors           int    `json:"errors"`             // answers other than 200 after the kill
	ServedBySurvivor int    `json:"served_by_survivor"` // 200s from the survivor after the kill
}

// timing is one row of the timing table: latency percentiles and
// throughput with one client, and with eight in at_8.
type timing struct {
	P50MS float64    `json:"p50_ms"`
	P99MS float64    `json:"p99_ms"`
	RPS   float64    `json:"rps"`
	N     int        `json:"requests"`
	At8   *timingRow `json:"at_8,omitempty"`
}

type timingRow struct {
	P50MS float64 `json:"p50_ms"`
	P99MS float64 `json:"p99_ms"`
	RPS   float64 `json:"rps"`
	N     int     `json:"requests"`
}

// wsgiResult is what the Python application reported, null when python3
// did not run.
type wsgiResult struct {
	Python      string   `json:"python"`
	Server      string   `json:"server"`
	EnvironKeys []string `json:"environ_keys"`
	Status      string   `json:"status"` // the status passed to start_response
	Flask       bool     `json:"flask"`  // a Flask app ran too
	FlaskCaller string   `json:"flask_caller,omitempty"`
}

// realStack is nginx + gunicorn when both ran.
type realStack struct {
	Nginx       string  `json:"nginx"`
	Gunicorn    string  `json:"gunicorn"`
	WorkersSeen int     `json:"workers_seen"`
	Timing      *timing `json:"timing"` // nginx → gunicorn → app.py
}

// badCase is one kind of bad input and what the proxy made of it.
type badCase struct {
	Case   string `json:"case"`
	Status int    `json:"status"` // what the client got, 0 for an error without a response
	Error  string `json:"error"`
}
