#!/usr/bin/env python3
"""slowreader.py PORT: a receiver with a 2 kB buffer that reads 512 bytes
every 10 ms while the sender pushes 12 kB, on 127.0.0.1 only: the kernel
advertises zero windows, probes them and updates them (make-captures.sh)."""
import socket, threading, time, sys
port = int(sys.argv[1])
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
srv.bind(("127.0.0.1", port)); srv.listen(1)
def serve():
    c, _ = srv.accept()
    time.sleep(0.3)
    total = 0
    while True:
        d = c.recv(512)
        if not d: break
        total += len(d)
        time.sleep(0.01)
    c.close()
t = threading.Thread(target=serve); t.start()
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"z" * 12000)
s.shutdown(socket.SHUT_WR)
t.join(); s.close(); srv.close()
