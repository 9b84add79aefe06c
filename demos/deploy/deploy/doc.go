// Package deploy is the deployment demo: how a Python web application is
// served in production, shown with real parts on this machine.
//
// The chain is client → reverse proxy → app server → application. The
// proxy (net/http/httputil.ReverseProxy, in the role nginx plays) listens on
// 127.0.0.1; the app servers listen on Unix sockets in a private directory
// (see sockdir.go). The same Go application answers over every gateway
// interface — plain HTTP, FastCGI (package fastcgi), uwsgi (package uwsgi),
// CGI (a process per request) — and, when python3 is installed, a real
// WSGI server runs the Python application shipped in pyapp/.
//
// Every number printed is measured in the run; every sentence about what
// happened branches on what was observed.
package deploy
