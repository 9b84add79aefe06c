# The GIL workloads of the netdemo workers demo, run by the real python3.
# Prints one JSON object. Arguments: total loop iterations, IO waits, wait ms,
# repetitions. Each figure is the best of the repetitions, taken in turn, so
# that a burst of load from other programs does not land on one of them only.
import json
import multiprocessing
import os
import socket
import sys
import sysconfig
import threading
import time


def spin(n):
    # CPU-bound pure Python: every iteration runs bytecode, which needs the GIL.
    x = 0
    for i in range(n):
        x ^= i
    return x


def wait(count, seconds):
    # IO-bound: recv on a UDP socket nobody sends to. The thread blocks in
    # the kernel with the GIL released until the timeout.
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(seconds)
    try:
        for _ in range(count):
            try:
                s.recv(1)
            except socket.timeout:
                pass
    finally:
        s.close()


def threads(fn, k, *args):
    ts = [threading.Thread(target=fn, args=args) for _ in range(k)]
    t0, c0 = time.perf_counter(), time.process_time()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall = time.perf_counter() - t0
    # CPU seconds of all this process's threads per second of wall time:
    # how many cores the threads kept busy at once.
    threads.cores = (time.process_time() - c0) / wall if wall > 0 else 0
    return wall


def processes(fn, k, *args):
    ps = [multiprocessing.Process(target=fn, args=args) for _ in range(k)]
    t0 = time.perf_counter()
    for p in ps:
        p.start()
    for p in ps:
        p.join()
    return time.perf_counter() - t0


def main():
    loops, waits, wait_ms, reps = (int(a) for a in sys.argv[1:5])
    free = sysconfig.get_config_var("Py_GIL_DISABLED") == 1
    if hasattr(sys, "_is_gil_enabled"):
        gil, gil_from = sys._is_gil_enabled(), "sys._is_gil_enabled()"
    else:
        # Before 3.13 there is no free-threaded build: the GIL is always on.
        gil, gil_from = not free, "version"
    out = {
        "python": sys.version,
        "executable": sys.executable,
        "free_threaded": free,
        "gil_enabled": gil,
        "gil_enabled_from": gil_from,
        "switch_interval_s": sys.getswitchinterval(),
        "start_method": multiprocessing.get_start_method(),
        "cpus": os.cpu_count(),
    }
    best = {}
    runs = [
        ("cpu", "threads1_s", lambda: threads(spin, 1, loops)),
        ("cpu", "threads4_s", lambda: threads(spin, 4, loops // 4)),
        ("cpu", "processes4_s", lambda: processes(spin, 4, loops // 4)),
        ("io", "threads1_s", lambda: threads(wait, 1, waits, wait_ms / 1000)),
        ("io", "threads4_s", lambda: threads(wait, 4, waits // 4, wait_ms / 1000)),
    ]
    cores = 0.0
    for _ in range(reps):
        for kind, name, fn in runs:
            t = fn()
            key = (kind, name)
            best[key] = min(best.get(key, t), t)
            if key == ("cpu", "threads4_s"):
                cores = max(cores, threads.cores)
    for (kind, name), t in best.items():
        out.setdefault(kind, {})[name] = t
    # The most cores 4 CPU-bound threads kept busy in any repetition: at
    # most about 1 while a GIL lets one thread run at a time.
    out["cpu"]["threads4_cores"] = cores
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
