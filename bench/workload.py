# PyHangar's threaded sanity benchmark: the workloads and their timing.
# Standard library only; Python 3.8 or newer. Run with -I.
#
#   workload.py serve      -> warms up, prints {"ready": true, "gil": bool|null,
#                             "jit": bool|null}, then answers one JSON
#                             command per line on stdin, one JSON line each:
#       {"calibrate": TARGET_MS}                -> {"n": {workload: iterations}}
#       {"run": W, "n": TOTAL, "threads": K}    -> {"start_ns", "end_ns", "cpu_ns"}
#                                                  (W split over K threads)
#       {"gil": true}                           -> {"gil": bool|null, "warnings": [...]}
#   workload.py memory SPEC -> runs the work of SPEC ({"n": ..., "threads": K})
#                             once and prints {"peak_rss": bytes}, measured in
#                             this process itself.
#
# The workloads are modelled on CPython's Tools/ftscalingbench: each thread
# works on objects of its own, so a free-threaded build can scale.
import json
import sys
import threading
import time
import warnings

clock = time.perf_counter_ns
cpu = time.process_time_ns


def float_loop(n):
    x = 1.0
    y = 0.5
    for _ in range(n):
        x = x * 1.0000001 + y
        y = y * 0.9999999 - 0.0000001 * x
        x = x / 1.0000002
    return x


class Point:
    def __init__(self, x):
        self.x = x

    def shifted(self, d):
        return self.x + d


def add(a, b):
    return a + b


def calls(n):
    p = Point(1)
    total = 0
    for i in range(n):
        total = add(total, p.shifted(i & 7))
    return total


def alloc(n):
    keep = None
    for i in range(n):
        d = {"a": i, "b": i + 1, "c": [i]}
        keep = Point(d)
    return keep


def numbers(n):
    for i in range(n):
        yield i * 2


def generator(n):
    total = 0
    for v in numbers(n):
        total += v
    return total


WORKLOADS = {"float": float_loop, "calls": calls, "alloc": alloc, "generator": generator}


def gil_enabled():
    f = getattr(sys, "_is_gil_enabled", None)
    return None if f is None else bool(f())


def jit_enabled():
    jit = getattr(sys, "_jit", None)
    return None if jit is None or not jit.is_available() else bool(jit.is_enabled())


def calibrate(target_ms):
    out = {}
    for name, fn in WORKLOADS.items():
        n = 1000
        fn(n)  # warm-up
        while True:
            t0 = clock()
            fn(n)
            dt = clock() - t0
            if dt >= 20000000 or n > 1 << 30:
                break
            n *= 4
        out[name] = max(1, int(n * target_ms * 1000000 / max(dt, 1)))
    return out


def timed(threads, work):
    """Runs work() in `threads` threads started together on a barrier;
    returns the start and end times and the process CPU time used."""
    barrier = threading.Barrier(threads + 1)

    def body():
        barrier.wait()
        work()

    pool = [threading.Thread(target=body) for _ in range(threads)]
    for t in pool:
        t.start()
    barrier.wait()
    w0, c0 = clock(), cpu()
    for t in pool:
        t.join()
    return w0, clock(), cpu() - c0


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def serve():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gil_start = gil_enabled()
        # Warm-up: each workload, and the thread machinery.
        for fn in WORKLOADS.values():
            fn(2000)
        timed(2, lambda: None)
        emit({"ready": True, "gil": gil_start, "jit": jit_enabled()})
        for line in sys.stdin:
            cmd = json.loads(line)
            if "calibrate" in cmd:
                emit({"n": calibrate(cmd["calibrate"])})
            elif "run" in cmd:
                fn, k = WORKLOADS[cmd["run"]], cmd["threads"]
                share = max(1, cmd["n"] // k)
                start, end, cpu_ns = timed(k, lambda: fn(share))
                emit({"start_ns": start, "end_ns": end, "cpu_ns": cpu_ns})
            elif "gil" in cmd:
                emit({"gil": gil_enabled(), "warnings": [str(w.message) for w in caught]})
            else:
                sys.exit("unknown command " + line)


def peak_rss():
    """This process's peak resident set size in bytes, as the OS counts it
    for this interpreter alone. On Linux that is VmHWM: getrusage's
    ru_maxrss also counts what the process used before exec, which for a
    child started with vfork is its parent's size."""
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        class Counters(ctypes.Structure):
            _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD),
                        ("PeakWorkingSetSize", ctypes.c_size_t), ("WorkingSetSize", ctypes.c_size_t),
                        ("QuotaPeakPagedPoolUsage", ctypes.c_size_t), ("QuotaPagedPoolUsage", ctypes.c_size_t),
                        ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t), ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
                        ("PagefileUsage", ctypes.c_size_t), ("PeakPagefileUsage", ctypes.c_size_t)]

        c = Counters()
        c.cb = ctypes.sizeof(c)
        proc = ctypes.windll.kernel32.GetCurrentProcess()
        if not ctypes.windll.psapi.GetProcessMemoryInfo(proc, ctypes.byref(c), c.cb):
            return 0
        return c.PeakWorkingSetSize
    if sys.platform.startswith("linux"):
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    import resource
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def memory(spec):
    k = spec["threads"]
    for name, fn in WORKLOADS.items():
        share = max(1, spec["n"][name] // k)
        timed(k, lambda: fn(share))
    emit({"peak_rss": peak_rss()})


def main():
    if sys.version_info < (3, 8):
        sys.stderr.write("not supported: the benchmark needs Python 3.8 or newer\n")
        sys.exit(3)
    mode = sys.argv[1]
    if mode == "serve":
        serve()
    elif mode == "memory":
        memory(json.loads(sys.argv[2]))
    else:
        sys.exit("unknown mode " + mode)


main()
