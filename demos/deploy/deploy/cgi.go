package deploy

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cgi"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/netdemo/netdemo/internal/child"
)

// The CGI scripts are this program, started again by net/http/cgi once per
// request (internal/child names which body runs).
const (
	childCGI    = "deploy-cgi"
	childCGIBad = "deploy-cgi-bad"
)

func init() {
	child.Register(childCGI, cgiScript)
	child.Register(childCGIBad, badCGIScript)
}

// cgiGateway runs a CGI script per request (RFC 3875) and checks its
// answer: a script that crashes or writes malformed headers gets the
// client a 502 that says what was wrong, not net/http/cgi's bare 500.
type cgiGateway struct {
	base *cgi.Handler

	mu   sync.Mutex
	pids map[int]bool // the processes that answered
}

// newCGIGateway prepares the handler for the named child, mounted at
// root ("/cgi-bin/env"). child.Command builds the command line; the CGI
// handler takes its path and arguments, and only the one environment
// variable that selects the child: a CGI script gets the request in its
// environment, not the web server's.
func newCGIGateway(ctx context.Context, name, root string, args ...string) (*cgiGateway, error) {
	cmd, err := child.Command(ctx, name, args, nil)
	if err != nil {
		return nil, err
	}
	var env []string
	for _, kv := range cmd.Env {
		if strings.HasPrefix(kv, "NETDEMO_CHILD=") {
			env = append(env, kv)
		}
	}
	h := &cgi.Handler{Path: cmd.Path, Root: root, Args: cmd.Args[1:], Env: env}
	return &cgiGateway{base: h, pids: map[int]bool{}}, nil
}

func (g *cgiGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := *g.base
	var logged, stderr bytes.Buffer
	h.Logger = log.New(&logged, "", 0)
	h.Stderr = &stderr
	out := newBufferedResponse()
	out.limit = maxBuffered
	h.ServeHTTP(out, r)
	if pid, err := strconv.Atoi(out.header.Get("X-Cgi-Pid")); err == nil {
		g.mu.Lock()
		g.pids[pid] = true
		g.mu.Unlock()
	}
	if out.overflow {
		http.Error(w, fmt.Sprintf("502 bad gateway: CGI script %s wrote more than %d MiB", h.Path, maxBuffered>>20), http.StatusBadGateway)
		return
	}
	if logged.Len() > 0 {
		// net/http/cgi logs only its own failures: the script's output was
		// not a CGI response.
		msg := firstLine(logged.String())
		if s := firstLine(stderr.String()); s != "" {
			msg += "; the script's stderr: " + s
		}
		http.Error(w, "502 bad gateway: CGI script "+h.Path+" "+msg, http.StatusBadGateway)
		return
	}
	out.copyTo(w)
}

// processes is how many different script processes answered.
func (g *cgiGateway) processes() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.pids)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// cgiEnv is what the script reports: the meta-variables it was given.
type cgiEnv struct {
	PID       int               `json:"pid"`
	Vars      map[string]string `json:"vars"`
	BodyBytes int               `json:"body_bytes"`
	Body      string            `json:"body"`
}

// cgiScript is a CGI script written the way RFC 3875 describes one: the
// request in environment variables and on stdin, the response on stdout
// as header lines, a blank line and the body.
func cgiScript(ctx context.Context, args []string) int {
	n, _ := strconv.Atoi(os.Getenv("CONTENT_LENGTH"))
	body, _ := io.ReadAll(io.LimitReader(os.Stdin, int64(n)))
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	if os.Getenv("PATH_INFO") == "/hello" {
		fmt.Fprintf(out, "Content-Type: text/plain\r\nX-Cgi-Pid: %d\r\n\r\nhello\n", os.Getpid())
		return 0
	}
	env := cgiEnv{PID: os.Getpid(), Vars: map[string]string{}, BodyBytes: len(body), Body: string(body)}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if isCGIVar(k) {
			env.Vars[k] = v
		}
	}
	b, _ := json.Marshal(env)
	fmt.Fprintf(out, "Content-Type: application/json\r\nX-Cgi-Pid: %d\r\n\r\n%s\n", os.Getpid(), b)
	return 0
}

// isCGIVar picks the meta-variables of RFC 3875 §4.1 and the HTTP_ ones.
func isCGIVar(k string) bool {
	switch k {
	case "AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "GATEWAY_INTERFACE", "PATH_INFO", "PATH_TRANSLATED",
		"QUERY_STRING", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_PORT", "REMOTE_IDENT", "REMOTE_USER", "REQUEST_METHOD",
		"REQUEST_URI", "SCRIPT_NAME", "SCRIPT_FILENAME", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "SERVER_SOFTWARE":
		return true
	}
	return strings.HasPrefix(k, "HTTP_")
}

// sortedVars lists the script's variables in order, for printing.
func sortedVars(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// badCGIScript misbehaves the way real scripts do: args[0] is "crash" (it
// dies before writing anything) or "malformed" (a header line without a
// colon, and no Content-Type).
func badCGIScript(ctx context.Context, args []string) int {
	io.Copy(io.Discard, os.Stdin)
	mode := ""
	if len(args) > 0 {
		mode = args[0]
	}
	switch mode {
	case "malformed":
		fmt.Print("Content-Type text/plain\r\n\r\nthis body has no valid headers\n")
		return 0
	default:
		fmt.Fprintln(os.Stderr, "deploy-cgi-bad: crashing on purpose (exit status 3) before writing any header")
		return 3
	}
}
