"""A tiny WSGI application (PEP 3333), Python standard library only.

It answers every request with a JSON report of what the WSGI server gave
it: the keys of environ, a few of their values, and the start_response
call it made. The netdemo deploy demo runs it under wsgiref (serve.py) and
under gunicorn, behind a reverse proxy, and prints the report.
"""

import json
import os
import sys

# CGI-style keys from RFC 3875 and the wsgi.* keys PEP 3333 requires.
SHOWN = [
    "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING",
    "CONTENT_TYPE", "CONTENT_LENGTH", "SERVER_NAME", "SERVER_PORT",
    "SERVER_PROTOCOL", "SERVER_SOFTWARE", "REMOTE_ADDR",
    "HTTP_HOST", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST", "HTTP_VIA",
    "wsgi.version", "wsgi.url_scheme", "wsgi.multithread",
    "wsgi.multiprocess", "wsgi.run_once",
]


def describe(value):
    """A JSON-safe picture of an environ value."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, tuple):
        return list(value)
    return "<%s.%s>" % (type(value).__module__, type(value).__qualname__)


def report(environ, status, headers, body_bytes):
    return {
        "python": sys.version.split()[0],
        "pid": os.getpid(),
        "server": environ.get("SERVER_SOFTWARE", ""),
        "environ_keys": sorted(environ.keys()),
        "environ": {k: describe(environ[k]) for k in SHOWN if k in environ},
        "wsgi_input": describe(environ.get("wsgi.input")),
        "wsgi_errors": describe(environ.get("wsgi.errors")),
        "start_response": {"status": status, "headers": [list(h) for h in headers]},
        "body_bytes": body_bytes,
    }


def application(environ, start_response):
    """The WSGI callable: environ in, start_response called, body out."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    if environ.get("PATH_INFO", "").endswith("/hello"):
        status, headers = "200 OK", [("Content-Type", "text/plain")]
        start_response(status, headers)
        return [b"hello\n"]
    status = "200 OK"
    headers = [("Content-Type", "application/json"), ("X-App", "pyapp")]
    out = json.dumps(report(environ, status, headers, len(body))).encode()
    # start_response returns the legacy write() callable (PEP 3333); the
    # body is returned as an iterable instead, as PEP 3333 recommends.
    start_response(status, headers)
    return [out]
