"""A tiny project for PyHangar's tests: CPU-bound work in threads."""
import threading

try:  # built when the project has its extension (src/tinyproj/_speedups.c)
    from tinyproj import _speedups
except ImportError:
    _speedups = None


def primes(limit):
    """How many primes are below limit, by trial division."""
    count = 0
    for n in range(2, limit):
        d = 2
        while d * d <= n:
            if n % d == 0:
                break
            d += 1
        else:
            count += 1
    return count


def work(threads, limit):
    """Counts the primes below limit in each of threads threads at once."""
    out = [0] * threads

    def one(i):
        out[i] = primes(limit)

    pool = [threading.Thread(target=one, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return out
