"""Run a WSGI application under wsgiref, the standard library's WSGI
server (PEP 3333's reference implementation), on a Unix socket.

    python3 serve.py SOCKET MODULE:CALLABLE

It prints "ready" once it listens, serves until killed, and removes the
socket when it exits normally.
"""

import importlib
import os
import signal
import socket
import socketserver
import sys
from wsgiref import handlers
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

# wsgiref starts every environ from a copy of the server's own process
# environment (its CGI heritage: a CGI script's environment is both). That
# would show this machine's variables as if the request had brought them;
# start from nothing instead, as gunicorn does.
handlers.BaseHandler.os_environ = {}


class UnixWSGIServer(WSGIServer):
    """wsgiref's server on AF_UNIX: bind a path instead of (host, port)."""

    address_family = socket.AF_UNIX
    # socketserver's default backlog of 5 makes a sixth concurrent connect
    # on a Unix socket fail at once (EAGAIN) instead of waiting.
    request_queue_size = 64

    def server_bind(self):
        socketserver.TCPServer.server_bind(self)
        self.server_name = "localhost"
        self.server_port = ""
        self.setup_environ()

    def get_request(self):
        conn, _ = self.socket.accept()
        # A Unix socket's peer has no address: REMOTE_ADDR stays empty.
        return conn, ("", 0)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main():
    if len(sys.argv) != 3 or ":" not in sys.argv[2]:
        print("usage: serve.py SOCKET MODULE:CALLABLE", file=sys.stderr)
        return 2
    path, target = sys.argv[1], sys.argv[2]
    module, name = target.split(":", 1)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    try:
        application = getattr(importlib.import_module(module), name)
    except ImportError as e:
        print("cannot import %s: %s" % (target, e), file=sys.stderr)
        return 3
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    server = UnixWSGIServer(path, QuietHandler)
    server.set_app(application)
    print("ready", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        try:
            os.unlink(path)
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
