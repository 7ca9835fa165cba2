# PyHangar's threaded sanity benchmark: the workloads and their timing.
# Standard library only; Python 3.8 or newer. Run with -I.
#
#   workload.py calibrate TARGET_MS        -> {"n": {workload: iterations}}
#   workload.py run PLAN_JSON              -> one JSON line per sample, then a summary line
#   workload.py proc WORKLOAD_N_JSON       -> "ready", waits for a line on stdin, runs, reports
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


def mixed(ns, share):
    for name, fn in WORKLOADS.items():
        fn(max(1, ns[name] // share))


def gil_enabled():
    f = getattr(sys, "_is_gil_enabled", None)
    return None if f is None else bool(f())


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
    returns wall and process CPU nanoseconds."""
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
    return clock() - w0, cpu() - c0


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def run(plan):
    ns = plan["n"]
    emit({"gil_start": gil_enabled()})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # Warm-up: each workload once, and the thread machinery.
        for name, fn in WORKLOADS.items():
            fn(max(1, ns[name] // 10))
        timed(max(plan["threads"]), lambda: None)
        for r in range(plan["repeats"]):
            for cell in plan["cells"]:
                if cell["workload"] == "mixed":
                    k = cell["threads"]
                    wall, cpu_ns = timed(k, lambda k=k: mixed(ns, k))
                else:
                    fn, n = WORKLOADS[cell["workload"]], ns[cell["workload"]]
                    wall, cpu_ns = timed(1, lambda fn=fn, n=n: fn(n))
                emit({"workload": cell["workload"], "threads": cell["threads"], "repeat": r + cell.get("offset", 0),
                      "wall_ns": wall, "cpu_ns": cpu_ns})
    emit({"gil_end": gil_enabled(), "warnings": [str(w.message) for w in caught]})


def proc(spec):
    ns, share = spec["n"], spec["share"]
    mixed(ns, share * 10)  # warm-up
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    sys.stdin.readline()
    w0, c0 = clock(), cpu()
    mixed(ns, share)
    emit({"start_ns": w0, "end_ns": clock(), "cpu_ns": cpu() - c0})


def main():
    if sys.version_info < (3, 8):
        sys.stderr.write("not supported: the benchmark needs Python 3.8 or newer\n")
        sys.exit(3)
    mode = sys.argv[1]
    if mode == "calibrate":
        emit({"n": calibrate(float(sys.argv[2])), "gil_start": gil_enabled()})
    elif mode == "run":
        run(json.loads(sys.argv[2]))
    elif mode == "proc":
        proc(json.loads(sys.argv[2]))
    elif mode == "memory":
        spec = json.loads(sys.argv[2])
        timed(spec["threads"], lambda: mixed(spec["n"], spec["threads"]))
    else:
        sys.exit("unknown mode " + mode)


main()
