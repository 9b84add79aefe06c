package orders

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// ProblemBase is where the API's problem types live: RFC 9457 wants a URI
// that names the kind of problem; it need not resolve.
const ProblemBase = "https://github.com/netdemo/netdemo/tree/main/demos/get-post#problem-"

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
}

// newProblem builds a problem. An empty kind means "about:blank": the
// status code says it all and the title is the status text (RFC 9457 §4.2.1).
func newProblem(status int, kind, title, detail string) Problem {
	p := Problem{Type: "about:blank", Title: ReasonPhrase(status), Status: status, Detail: detail}
	if kind != "" {
		p.Type = ProblemBase + kind
		p.Title = title
	}
	return p
}

// storageProblem answers 500 for a failure of the store. The detail is
// generic (a database error names files and tables, which are the
// server's business); the error itself goes to Config.ErrorLog.
func (a *API) storageProblem(w http.ResponseWriter, r *http.Request, err error) {
	if a.cfg.ErrorLog != nil {
		a.cfg.ErrorLog(fmt.Errorf("%s %s: %w", r.Method, r.URL.Path, err))
	}
	writeProblem(w, r, newProblem(http.StatusInternalServerError, "", "", "the server could not read or write its store; nothing was changed, retry later"))
}

// writeProblem sends p as application/problem+json.
func writeProblem(w http.ResponseWriter, r *http.Request, p Problem) {
	if p.Instance == "" && r != nil && len(r.URL.Path) <= 200 {
		p.Instance = r.URL.Path
	}
	b, _ := json.Marshal(p)
	b = append(b, '\n')
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("Cache-Control", "no-store")
	h.Del("ETag")
	w.WriteHeader(p.Status)
	w.Write(b)
}

// muxErrors turns ServeMux's own plain-text 404 and 405 into problem
// documents. ServeMux decides them (and sets Allow for 405) before any
// handler of ours runs; the only trace it leaves is an empty r.Pattern.
func muxErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(&muxErrorWriter{ResponseWriter: w, r: r}, r)
	})
}

type muxErrorWriter struct {
	http.ResponseWriter
	r        *http.Request
	replaced bool
}

func (m *muxErrorWriter) WriteHeader(code int) {
	if m.r.Pattern == "" && (code == http.StatusNotFound || code == http.StatusMethodNotAllowed) {
		m.replaced = true
		var detail string
		if code == http.StatusNotFound {
			detail = "no such resource; the API has /orders and /orders/{id}"
		} else {
			detail = m.r.Method + " is not allowed here; allowed: " + m.Header().Get("Allow")
		}
		m.Header().Del("X-Content-Type-Options")
		writeProblem(m.ResponseWriter, m.r, newProblem(code, "", "", detail))
		return
	}
	m.ResponseWriter.WriteHeader(code)
}

func (m *muxErrorWriter) Write(b []byte) (int, error) {
	if m.replaced {
		return len(b), nil // ServeMux's own text; the problem is already sent
	}
	return m.ResponseWriter.Write(b)
}

func (m *muxErrorWriter) Unwrap() http.ResponseWriter { return m.ResponseWriter }

// ReasonPhrase is the reason phrase RFC 9110 §15 gives a status code. Go's
// http.StatusText still has the names of RFC 7231 and RFC 4918 for a few
// codes that RFC 9110 renamed.
func ReasonPhrase(code int) string {
	switch code {
	case http.StatusRequestEntityTooLarge:
		return "Content Too Large" // §15.5.14
	case http.StatusRequestURITooLong:
		return "URI Too Long" // §15.5.15
	case http.StatusRequestedRangeNotSatisfiable:
		return "Range Not Satisfiable" // §15.5.17
	case http.StatusUnprocessableEntity:
		return "Unprocessable Content" // §15.5.21
	}
	return http.StatusText(code)
}
