package deploy

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestPythonWSGIServer runs pyapp under wsgiref and checks what the app
// reports about its environ.
func TestPythonWSGIServer(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed: apt-get install python3")
	}
	dir, err := newSockDir()
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Remove()
	ctx := context.Background()
	py := startPython(ctx, dir)
	defer py.Close()
	if py.wsgi == nil {
		t.Fatalf("the WSGI server did not start: %s", py.wsgiMissing)
	}
	cl := newClient(unixDialer(py.wsgi.sock))
	defer cl.CloseIdleConnections()
	rep, err := askPython(ctx, cl, "http://app.test/orders?id=7")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Environ["REQUEST_METHOD"] != "POST" || rep.Environ["QUERY_STRING"] != "id=7" || rep.BodyBytes != len(formBody) {
		t.Errorf("environ = %v, body %d bytes: want the POST with its query and a %d-byte body", rep.Environ, rep.BodyBytes, len(formBody))
	}
	if v, _ := rep.Environ["wsgi.version"].([]any); len(v) != 2 || v[0] != 1.0 {
		t.Errorf("wsgi.version = %v, want [1 0]", rep.Environ["wsgi.version"])
	}
	for _, k := range rep.EnvironKeys {
		if k == "PATH" || k == "HOME" {
			t.Errorf("environ carries the server's own %s: the run's environment leaked into the request", k)
		}
	}
	if rep.StartResponse.Status != "200 OK" {
		t.Errorf("start_response status %q, want 200 OK", rep.StartResponse.Status)
	}
	flask := exec.Command("python3", "-c", "import flask").Run() == nil
	switch {
	case flask && py.flask == nil:
		t.Errorf("Flask is importable but its server did not start: %s", py.flaskErr)
	case !flask && py.flask != nil:
		t.Errorf("Flask is not importable but a Flask server started")
	case !flask:
		t.Logf("Flask not importable (apt-get install python3-flask): %s", py.flaskErr)
	}
	if py.flask != nil {
		fc := newClient(unixDialer(py.flask.sock))
		defer fc.CloseIdleConnections()
		fr, err := askPython(ctx, fc, "http://app.test/x")
		if err != nil {
			t.Fatal(err)
		}
		if len(fr.Callers) < 2 || fr.Callers[0] != "flask.app.Flask.__call__" || !strings.HasPrefix(fr.Callers[1], "wsgiref.") {
			t.Errorf("callers of app.wsgi_app = %v, want Flask.__call__ called by wsgiref", fr.Callers)
		}
	}
}

// TestRealStack runs nginx in front of gunicorn and checks one request
// and that both are gone after Close.
func TestRealStack(t *testing.T) {
	if _, err := exec.LookPath("nginx"); err != nil {
		if _, serr := os.Stat("/usr/sbin/nginx"); serr != nil {
			t.Skip("nginx not installed: apt-get install nginx")
		}
	}
	if _, err := exec.LookPath("gunicorn"); err != nil {
		t.Skip("gunicorn not installed: apt-get install gunicorn")
	}
	dir, err := newSockDir()
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Remove()
	ctx := context.Background()
	rs := startRealStack(ctx, dir, 2)
	defer rs.Close()
	if rs.err != nil || len(rs.missing) > 0 {
		t.Fatalf("the real stack did not start: %v %v", rs.err, rs.missing)
	}
	cl := newClient(nil)
	defer cl.CloseIdleConnections()
	rep, err := askPython(ctx, cl, "http://"+rs.addr+"/orders")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(rep.Server, "gunicorn/") || rep.Environ["HTTP_X_FORWARDED_FOR"] != "127.0.0.1" || rep.Environ["wsgi.multiprocess"] != true {
		t.Errorf("gunicorn behind nginx reported %v, server %q", rep.Environ, rep.Server)
	}
	rs.Close()
	deadline := time.Now().Add(5 * time.Second)
	for !(rs.nginx.Exited() && rs.gunicorn.Exited()) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !rs.nginx.Exited() || !rs.gunicorn.Exited() {
		t.Errorf("after Close: nginx exited %v, gunicorn exited %v", rs.nginx.Exited(), rs.gunicorn.Exited())
	}
}
