package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
)

// pyReport is what pyapp/app.py (and flask_app.py) answer.
type pyReport struct {
	Python        string         `json:"python"`
	PID           int            `json:"pid"`
	Server        string         `json:"server"`
	EnvironKeys   []string       `json:"environ_keys"`
	Environ       map[string]any `json:"environ"`
	WSGIInput     string         `json:"wsgi_input"`
	StartResponse struct {
		Status  string     `json:"status"`
		Headers [][]string `json:"headers"`
	} `json:"start_response"`
	BodyBytes int      `json:"body_bytes"`
	Flask     bool     `json:"flask"`
	Callers   []string `json:"callers"`
}

// showWSGI runs the Python application behind the proxy, when python3 is
// here, and shows what the WSGI server handed it.
func showWSGI(ctx context.Context, r *demo.Run, c *chain, py *pyServers, res *result) error {
	r.Step("wsgi", r.T("WSGI for real: a Python app under a Python WSGI server, behind the proxy",
		"真正的 WSGI：Python WSGI 服务器里的 Python 应用，放在代理后面"))
	if py.wsgi == nil {
		r.Printf(r.T("  Skipped: %s. In Go the same contract is http.Handler: ServeHTTP(w, req) is the WSGI callable, *http.Request is environ, w.WriteHeader is start_response.",
			"  已跳过：%s。在 Go 里同样的约定是 http.Handler：ServeHTTP(w, req) 相当于 WSGI 可调用对象，*http.Request 相当于 environ，w.WriteHeader 相当于 start_response。"), py.wsgiMissing)
		r.Set("wsgi_note", r.T("No Python ran in this run ("+py.wsgiMissing+"), so there is no Python output to show",
			"本次运行没有运行 Python（"+py.wsgiMissing+"），所以没有 Python 的输出可展示"))
		return nil
	}
	c.python.set(c.proxy.gateway("wsgiref", "unix:"+py.wsgi.sock, httpTransport(unixDialer(py.wsgi.sock))))
	cl := newClient(nil)
	defer cl.CloseIdleConnections()
	rep, err := askPython(ctx, cl, "http://"+c.addr+pythonRoot+"orders?id=7")
	if err != nil {
		return fmt.Errorf("asking the Python app: %w", err)
	}
	r.Printf(r.T("  python3 %s (%s) runs pyapp/app.py under wsgiref, the standard library's WSGI server, on %s. POST %sorders?id=7 through the proxy; the app reported:",
		"  python3 %s（%s）在 wsgiref（标准库自带的 WSGI 服务器）里运行 pyapp/app.py，监听 %s。通过代理 POST %sorders?id=7，应用报告："),
		rep.Python, py.python, py.wsgi.sock, pythonRoot)
	r.Printf(r.T("  environ has %d keys:", "  environ 有 %d 个键："), len(rep.EnvironKeys))
	r.Pre("%s", wrapWords(rep.EnvironKeys, 76))
	t := event.NewTable("environ", r.T("environ key", "environ 键"), r.T("value the server passed", "服务器传入的值"))
	t.AlignLeft(0, 1)
	for _, k := range []string{"REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "CONTENT_LENGTH", "REMOTE_ADDR", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "wsgi.version", "wsgi.url_scheme", "wsgi.multithread", "wsgi.multiprocess"} {
		if v, ok := rep.Environ[k]; ok {
			b, _ := json.Marshal(v)
			t.Row(k, string(b))
		}
	}
	t.Row("wsgi.input", rep.WSGIInput)
	r.Table(t.Titled(r.T("Some of what the server put in environ", "服务器放进 environ 的部分内容")))
	var hs []string
	for _, h := range rep.StartResponse.Headers {
		hs = append(hs, fmt.Sprintf("(%q, %q)", h[0], h[1]))
	}
	r.Printf(r.T("  The app called start_response(%q, [%s]) and returned its body as a list of bytes; %s turned that into the HTTP response the proxy relayed.",
		"  应用调用了 start_response(%q, [%s])，并以 bytes 列表返回响应体；%s 把它变成 HTTP 响应，由代理转发。"),
		rep.StartResponse.Status, strings.Join(hs, ", "), rep.Server)
	w := &wsgiResult{Python: rep.Python, Server: rep.Server, EnvironKeys: rep.EnvironKeys, Status: rep.StartResponse.Status}
	note := r.T(fmt.Sprintf("Python %s ran pyapp/app.py under %s: the server built an environ of %d keys (wsgi.url_scheme %v, while the client's scheme arrived only as X-Forwarded-Proto) and the app called start_response(%q, …)",
		rep.Python, rep.Server, len(rep.EnvironKeys), rep.Environ["wsgi.url_scheme"], rep.StartResponse.Status),
		fmt.Sprintf("Python %s 在 %s 里运行了 pyapp/app.py：服务器构造了 %d 个键的 environ（wsgi.url_scheme 是 %v，客户端的协议只通过 X-Forwarded-Proto 传来），应用调用了 start_response(%q, …)",
			rep.Python, rep.Server, len(rep.EnvironKeys), rep.Environ["wsgi.url_scheme"], rep.StartResponse.Status))

	if py.flask == nil {
		r.Printf(r.T("  Flask: not run (%s): apt-get install python3-flask, or pip install flask.", "  Flask：没有运行（%s）：apt-get install python3-flask，或 pip install flask。"), py.flaskErr)
		note += r.T("; Flask was not importable, so only the plain WSGI app ran", "；Flask 无法导入，所以只运行了普通 WSGI 应用")
	} else {
		c.flask.set(c.proxy.gateway("flask", "unix:"+py.flask.sock, httpTransport(unixDialer(py.flask.sock))))
		fr, err := askPython(ctx, cl, "http://"+c.addr+flaskRoot+"orders?id=7")
		if err != nil {
			return fmt.Errorf("asking the Flask app: %w", err)
		}
		w.Flask = fr.Flask
		if len(fr.Callers) > 0 {
			w.FlaskCaller = fr.Callers[0]
		}
		r.Printf("%s", r.T("  The same under Flask (pyapp/flask_app.py, same wsgiref server). Who called app.wsgi_app, innermost first:",
			"  换成 Flask（pyapp/flask_app.py，同一个 wsgiref 服务器）。是谁调用了 app.wsgi_app（由内到外）："))
		r.Pre("%s", strings.Join(fr.Callers, "\n  ← "))
		if strings.HasSuffix(w.FlaskCaller, "Flask.__call__") {
			r.Printf("%s", r.T("  The server called the Flask object (Flask.__call__), which called app.wsgi_app(environ, start_response): Flask is the WSGI callable, the server is wsgiref.",
				"  服务器调用的是 Flask 对象（Flask.__call__），它再调用 app.wsgi_app(environ, start_response)：Flask 是 WSGI 可调用对象，服务器是 wsgiref。"))
		} else if w.FlaskCaller != "" {
			r.Printf(r.T("  app.wsgi_app was called by %q, not by Flask.__call__ as in the Flask versions this demo was written for; the chain above is what this Flask did.",
				"  调用 app.wsgi_app 的是 %q，而不是本演示编写时各 Flask 版本里的 Flask.__call__；上面的调用链就是这个 Flask 实际的做法。"), w.FlaskCaller)
		}
		note += r.T("; under the same server Flask was called as "+w.FlaskCaller+", which called app.wsgi_app",
			"；在同一个服务器里，Flask 以 "+w.FlaskCaller+" 的方式被调用，再由它调用 app.wsgi_app")
	}
	r.Set("wsgi_note", note)
	res.WSGI = w
	return nil
}

func askPython(ctx context.Context, cl *http.Client, url string) (*pyReport, error) {
	code, b, _, err := do(ctx, cl, "POST", url, formBody, formHeader)
	if err != nil {
		return nil, err
	}
	if code != http.StatusOK {
		return nil, fmt.Errorf("%d %s", code, firstLine(string(b)))
	}
	var rep pyReport
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("reading its report: %w", err)
	}
	return &rep, nil
}

// wrapWords joins words into lines of at most width.
func wrapWords(words []string, width int) string {
	var b strings.Builder
	n := 0
	for i, w := range words {
		if i > 0 {
			if n+2+len(w) > width {
				b.WriteString(",\n")
				n = 0
			} else {
				b.WriteString(", ")
				n += 2
			}
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}
