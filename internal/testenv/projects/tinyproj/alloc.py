"""Holds about MB megabytes (the first argument, 200 by default) at once."""
import sys

mb = int(sys.argv[1]) if len(sys.argv) > 1 else 200
block = bytearray(mb << 20)
for i in range(0, len(block), 4096):
    block[i] = 1
