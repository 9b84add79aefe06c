package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
)

// Config sets up a Server.
type Config struct {
	Demos []*demo.Demo
	// Lang is the page's first language and the runs' default ("en", "zh").
	Lang string
	// Token is what starting a run requires; empty makes a random one.
	Token string
	// Log receives the demos' own diagnostics (their Stderr).
	Log io.Writer
	// WriteTimeout is how long a viewer's connection may refuse a write
	// before the viewer is dropped (default 10s).
	WriteTimeout time.Duration
	// Heartbeat is how often an idle event stream gets a comment line, so
	// that a viewer that went away is noticed (default 15s).
	Heartbeat time.Duration
	// KeepRuns is how many finished runs stay viewable (default 16).
	KeepRuns int
	// MaxLog bounds the events kept per run, in bytes (default 16 MiB; a
	// default run of any demo logs under 150 KB).
	MaxLog int
}

// Server serves the page, runs demos and broadcasts them.
type Server struct {
	cfg    Config
	demos  map[string]*demo.Demo
	runs   *runs
	ctx    context.Context
	cancel context.CancelFunc
	mux    *http.ServeMux
}

// New returns a server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Lang != "zh" {
		cfg.Lang = "en"
	}
	if cfg.Token == "" {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("making the token: %w", err)
		}
		cfg.Token = hex.EncodeToString(b)
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 10 * time.Second
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = 15 * time.Second
	}
	if cfg.KeepRuns <= 0 {
		cfg.KeepRuns = 16
	}
	if cfg.MaxLog <= 0 {
		cfg.MaxLog = 16 << 20
	}
	s := &Server{cfg: cfg, demos: map[string]*demo.Demo{}, runs: newRuns(cfg.KeepRuns)}
	for _, d := range cfg.Demos {
		s.demos[d.Name] = d
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.routes()
	return s, nil
}

// Token returns the token that starting a run requires.
func (s *Server) Token() string { return s.cfg.Token }

// Close cancels every run and waits for their cleanups (at most 10s; a
// run still going then is named on the log).
func (s *Server) Close() {
	s.cancel()
	if !s.runs.close(10 * time.Second) {
		for _, r := range s.runs.list() {
			if r.state() == "running" {
				fmt.Fprintf(s.cfg.Log, "netdemo web: %s did not stop within 10s of its cancel\n", r.id)
			}
		}
	}
}

// Handler returns the server's HTTP handler, guarded (see guard).
func (s *Server) Handler() http.Handler { return s.guard(s.mux) }

// NewHTTPServer returns an http.Server for h with the limits a server
// facing a classroom network wants: bounded headers, slow clients timed
// out while sending a request. Responses are not timed (the event stream
// is long), the stream times each write itself.
func NewHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.index)
	m.HandleFunc("GET /run/{id}", s.runPage)
	m.HandleFunc("GET /latest/{demo}", s.latest)
	m.HandleFunc("GET /static/{file}", s.static)
	m.HandleFunc("GET /api/runs", s.listRuns)
	m.HandleFunc("POST /api/runs", s.needToken(s.start))
	m.HandleFunc("GET /api/runs/{id}/events", s.events)
	m.HandleFunc("GET /api/runs/{id}/result", s.result)
	m.HandleFunc("POST /api/runs/{id}/cancel", s.needToken(s.cancelRun))
	m.HandleFunc("POST /api/runs/{id}/continue", s.needToken(s.continueRun))
	s.mux = m
}

// maxBody bounds a request body: a start request is a few flags.
const maxBody = 16 << 10

type startRequest struct {
	Demo  string            `json:"demo"`
	Lang  string            `json:"lang"`
	Pause bool              `json:"pause"`
	Flags map[string]string `json:"flags"`
}

type startReply struct {
	ID    string `json:"id"`
	URL   string `json:"url"`
	Error string `json:"error,omitempty"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func jsonError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

// start parses the form's flags with the CLI's parser and starts the run.
func (s *Server) start(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	var req startRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			jsonError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", maxBody))
			return
		}
		jsonError(w, http.StatusBadRequest, "the request is not a start request: "+firstLine(err.Error()))
		return
	}
	d := s.demos[req.Demo]
	if d == nil {
		jsonError(w, http.StatusNotFound, fmt.Sprintf("no demo %q", req.Demo))
		return
	}
	lang := req.Lang
	if lang == "" {
		lang = s.cfg.Lang
	}
	args, err := startArgs(d, lang, req.Flags)
	if err == nil {
		var opts *demo.Options
		if opts, err = demo.Parse(d, args); err == nil {
			var run *run
			run, err = s.runs.start(s.ctx, d, opts, args, req.Pause, s.cfg.MaxLog, s.cfg.Log)
			if errors.Is(err, errBusy) {
				writeJSON(w, http.StatusConflict, startReply{ID: run.id, URL: "/run/" + run.id,
					Error: fmt.Sprintf("%s is already running (%s): watch it or cancel it first", d.Name, run.id)})
				return
			}
			if err == nil {
				writeJSON(w, http.StatusCreated, startReply{ID: run.id, URL: "/run/" + run.id})
				return
			}
		}
	}
	var ue *demo.UsageError
	if errors.As(err, &ue) {
		// The CLI's one-line message, as `netdemo run` prints it.
		jsonError(w, http.StatusBadRequest, "netdemo: "+ue.Msg)
		return
	}
	jsonError(w, http.StatusServiceUnavailable, err.Error())
}

func (s *Server) cancelRun(w http.ResponseWriter, r *http.Request) {
	run := s.runs.get(r.PathValue("id"))
	if run == nil {
		jsonError(w, http.StatusNotFound, "no such run")
		return
	}
	run.cancel()
	// Wait (briefly) for the demo's cleanups, so that the reply means it
	// stopped; a demo that ignores its context is reported as stopping.
	select {
	case <-run.done:
		writeJSON(w, http.StatusOK, map[string]string{"status": run.state()})
	case <-time.After(5 * time.Second):
		writeJSON(w, http.StatusAccepted, map[string]string{"status": "stopping"})
	case <-r.Context().Done():
	}
}

func (s *Server) continueRun(w http.ResponseWriter, r *http.Request) {
	run := s.runs.get(r.PathValue("id"))
	if run == nil {
		jsonError(w, http.StatusNotFound, "no such run")
		return
	}
	if !run.cast.Continue() {
		jsonError(w, http.StatusConflict, "the run is not waiting")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "running"})
}

// result serves the run's result line, byte for byte what --json prints
// last, for a class that wants the numbers.
func (s *Server) result(w http.ResponseWriter, r *http.Request) {
	run := s.runs.get(r.PathValue("id"))
	if run == nil {
		jsonError(w, http.StatusNotFound, "no such run")
		return
	}
	b := run.cast.resultLine()
	if b == nil {
		jsonError(w, http.StatusNotFound, "the run has no result (yet)")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(append(b, '\n'))
}

// latest sends the browser to the newest run of a demo, so that a class
// can keep one link (/latest/tcp-udp#tcp-udp/handshake) across runs; the
// browser keeps the #step through the redirect.
func (s *Server) latest(w http.ResponseWriter, r *http.Request) {
	for _, run := range s.runs.list() {
		if run.demo.Name == r.PathValue("demo") {
			http.Redirect(w, r, "/run/"+run.id, http.StatusSeeOther)
			return
		}
	}
	http.Error(w, "no run of that demo yet: start one from the index", http.StatusNotFound)
}

type runInfo struct {
	ID      string   `json:"id"`
	Demo    string   `json:"demo"`
	Args    []string `json:"args"`
	Status  string   `json:"status"`
	Started string   `json:"started"`
}

func (s *Server) listRuns(w http.ResponseWriter, r *http.Request) {
	var out []runInfo
	for _, run := range s.runs.list() {
		out = append(out, runInfo{ID: run.id, Demo: run.demo.Name, Args: run.args, Status: run.state(), Started: run.started.UTC().Format(time.RFC3339)})
	}
	writeJSON(w, http.StatusOK, out)
}

// argsLine shows a run's flags as a command line.
func argsLine(d string, args []string) string {
	return strings.TrimSpace("netdemo run " + d + " " + strings.Join(args, " "))
}
