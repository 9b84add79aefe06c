package web

import (
	"net/http"
	"strconv"
	"time"
)

// events streams a run's log as Server-Sent Events. Each frame's id is its
// position in the log, so a reconnect (the browser sends Last-Event-ID) or
// ?from=N resumes after it; a viewer that joins late starts at the top and
// receives everything so far. Each write must be accepted within the write
// timeout or the viewer is dropped: a viewer that stops reading never
// holds up the run or anyone else, and its goroutine ends.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	run := s.runs.get(r.PathValue("id"))
	if run == nil {
		http.Error(w, "no such run", http.StatusNotFound)
		return
	}
	next := 0
	for _, v := range []string{r.Header.Get("Last-Event-ID"), r.URL.Query().Get("from")} {
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || len(v) > 12 {
			http.Error(w, "Last-Event-ID must be a number", http.StatusBadRequest)
			return
		}
		next = n
		break
	}
	frames, _, done := run.cast.since(next)
	if done && len(frames) == 0 {
		// Everything was seen and nothing more will come: 204 tells
		// EventSource not to reconnect.
		w.WriteHeader(http.StatusNoContent)
		return
	}
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// A write that fails (the deadline passed, the viewer left) drops the
	// viewer: ErrAbortHandler makes net/http close the connection rather
	// than keep a half-written stream alive for another request.
	write := func(b []byte) bool {
		rc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
		if _, err := w.Write(b); err != nil {
			panic(http.ErrAbortHandler)
		}
		return true
	}
	flush := func() bool {
		rc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
		if err := rc.Flush(); err != nil {
			panic(http.ErrAbortHandler)
		}
		return true
	}
	if !write([]byte("retry: 2000\n\n")) || !flush() {
		return
	}
	beat := time.NewTicker(s.cfg.Heartbeat)
	defer beat.Stop()
	for {
		frames, more, done := run.cast.since(next)
		for _, f := range frames {
			if !write(f) {
				return
			}
		}
		next += len(frames)
		if len(frames) > 0 && !flush() {
			return
		}
		if done {
			return
		}
		select {
		case <-more:
		case <-beat.C:
			if !write([]byte(": beat\n\n")) || !flush() {
				return
			}
		case <-r.Context().Done():
			return
		case <-s.ctx.Done():
			return
		}
	}
}
