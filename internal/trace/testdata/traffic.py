#!/usr/bin/env python3
"""traffic.py PORT: loopback traffic for make-captures.sh, on 127.0.0.1 only.

Four HTTP-like exchanges on PORT (the third one aborted by the server with
RST), a refused connection to PORT+1 and a UDP datagram to PORT+2."""
import socket, threading, time, sys
port = int(sys.argv[1])
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port)); srv.listen(8)
def serve():
    for i in range(4):
        c, _ = srv.accept()
        d = c.recv(65536)
        if i == 2:
            # abort with RST
            import struct
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            c.close(); continue
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1500\r\n\r\n" + b"y"*1500)
        time.sleep(0.01)
        c.close()
t = threading.Thread(target=serve); t.start()
for i in range(4):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /%d HTTP/1.1\r\nHost: x\r\n\r\n" % i)
    try:
        while s.recv(65536): pass
    except ConnectionResetError: pass
    s.close()
    time.sleep(0.005)
# refused connection
try: socket.create_connection(("127.0.0.1", port+1))
except OSError: pass
t.join(); srv.close()
# UDP
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.sendto(b"ping", ("127.0.0.1", port+2))
