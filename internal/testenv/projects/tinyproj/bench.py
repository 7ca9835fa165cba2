"""Times nothing itself: PyHangar times it. Counts primes in 2 threads."""
import sys

import tinyproj

limit = int(sys.argv[1]) if len(sys.argv) > 1 else 12000
tinyproj.work(2, limit)
