"""The same report from a Flask application.

Flask is a WSGI callable, not a server: a WSGI server calls
app(environ, start_response), and Flask.__call__ calls
self.wsgi_app(environ, start_response). To show that, wsgi_app is wrapped
and records the Python frames that called it.
"""

import sys

from flask import Flask, request, jsonify

from app import report

app = Flask(__name__)
_inner = app.wsgi_app


def _name(frame):
    code = frame.f_code
    qual = getattr(code, "co_qualname", code.co_name)
    return "%s.%s" % (frame.f_globals.get("__name__", "?"), qual)


def traced_wsgi_app(environ, start_response):
    frame = sys._getframe(1)
    callers = []
    while frame is not None and len(callers) < 4:
        callers.append(_name(frame))
        frame = frame.f_back
    environ["netdemo.callers"] = callers
    return _inner(environ, start_response)


app.wsgi_app = traced_wsgi_app


@app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
@app.route("/<path:path>", methods=["GET", "POST"])
def show(path):
    if path.endswith("hello"):
        return "hello\n", 200, {"Content-Type": "text/plain"}
    body = request.get_data()
    out = report(request.environ, "200 OK", [("Content-Type", "application/json")], len(body))
    out["flask"] = True
    out["callers"] = request.environ.get("netdemo.callers", [])
    out["start_response"] = {"status": "200 OK", "headers": [["Content-Type", "application/json"]], "note": "Flask calls start_response itself"}
    return jsonify(out)
