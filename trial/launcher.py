# PyHangar's launcher for a try's timed runs. Standard library only;
# Python 3.8 or newer; run with -I. It prints {"ready": true}, then reads
# one JSON command per line on stdin and answers one JSON line each:
#
#   {"argv": [...], "cwd": DIR, "env": {...}, "stream": BOOL, "tail": BYTES}
#       -> {"exit": N, "wall_ns": N, "cpu_ns": N, "peak_rss": BYTES,
#           "tail": "the last BYTES it printed"}
#
# With "stream", each line the command prints comes first as {"line": "..."}
# (cut to 4 KiB), as it comes.
#
# The command runs in this launcher's own process group, so whoever ends
# the launcher's group ends the command and all it started. Its figures
# are its own and its children's, never the launcher's or PyHangar's: on
# POSIX from wait4 (CPU time and the peak resident set of the command and
# the processes it waited for), on Windows from the process's own counters.
# When stdin closes while a command runs (PyHangar was stopped), the
# command's whole group is killed.
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time

LINE = 4096


def run_posix(cmd):
    t0 = time.perf_counter_ns()
    p = subprocess.Popen(cmd["argv"], cwd=cmd["cwd"], env=cmd["env"], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    tail = collect(p, cmd)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter_ns() - t0
    p.returncode = os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8
    scale = 1 if sys.platform == "darwin" else 1024  # macOS says bytes, Linux KiB
    return {"exit": p.returncode, "wall_ns": wall, "cpu_ns": int((ru.ru_utime + ru.ru_stime) * 1e9),
            "peak_rss": ru.ru_maxrss * scale, "tail": tail}


def collect(p, cmd):
    """Reads what the command prints until it closes its output, keeping
    the tail, and with "stream" sends each line as it comes."""
    keep = int(cmd.get("tail") or 4096)
    buf = b""
    if cmd.get("stream"):
        for line in iter(p.stdout.readline, b""):
            buf = (buf + line)[-keep:]
            emit({"line": line[:LINE].decode("utf-8", "replace").rstrip("\r\n")})
    else:
        for chunk in iter(lambda: p.stdout.read(65536), b""):
            buf = (buf + chunk)[-keep:]
    return buf.decode("utf-8", "replace")


def run_windows(cmd):
    import ctypes
    from ctypes import wintypes

    class Counters(ctypes.Structure):
        _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD),
                    ("PeakWorkingSetSize", ctypes.c_size_t), ("WorkingSetSize", ctypes.c_size_t),
                    ("QuotaPeakPagedPoolUsage", ctypes.c_size_t), ("QuotaPagedPoolUsage", ctypes.c_size_t),
                    ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t), ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
                    ("PagefileUsage", ctypes.c_size_t), ("PeakPagefileUsage", ctypes.c_size_t)]

    t0 = time.perf_counter_ns()
    p = subprocess.Popen(cmd["argv"], cwd=cmd["cwd"], env=cmd["env"], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    tail = collect(p, cmd)
    p.wait()
    wall = time.perf_counter_ns() - t0
    handle = wintypes.HANDLE(int(p._handle))
    c = Counters()
    c.cb = ctypes.sizeof(c)
    ctypes.windll.psapi.GetProcessMemoryInfo(handle, ctypes.byref(c), c.cb)
    ft = [wintypes.FILETIME() for _ in range(4)]
    ctypes.windll.kernel32.GetProcessTimes(handle, *[ctypes.byref(f) for f in ft])

    def ns(f):
        return ((f.dwHighDateTime << 32) + f.dwLowDateTime) * 100

    return {"exit": p.returncode, "wall_ns": wall, "cpu_ns": ns(ft[2]) + ns(ft[3]),
            "peak_rss": c.PeakWorkingSetSize, "tail": tail}


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    lines = queue.Queue()
    running = threading.Event()

    def read():
        for line in sys.stdin:
            lines.put(line)
        if running.is_set() and hasattr(os, "killpg"):
            os.killpg(os.getpgid(0), signal.SIGKILL)  # the command's group, this launcher with it
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    emit({"ready": True})
    run = run_windows if os.name == "nt" else run_posix
    while True:
        line = lines.get()
        if line is None:
            return
        cmd = json.loads(line)
        running.set()
        try:
            emit(run(cmd))
        except OSError as e:
            emit({"error": "%s: %s" % (cmd["argv"][0], e.strerror or e)})
        finally:
            running.clear()


main()
