# A stand-in interpreter's helper that misbehaves on request, for tests:
# it runs the real helper (the benchmark's workload server, the readiness
# judge) as a child and passes its answers on, except as MODE says:
#
#   hang-after-first  pass the first answer (the ready line), then never
#                     answer again
#   flood-stderr      write 300 MB to stderr first, then behave
#   orphan            start a child that holds stdout and stderr open for
#                     ten minutes, then behave and exit when told
#   garbage           pass the ready line, then answer a line of garbage
#                     with a control character in it
#   out-of-range      pass the answers with their numbers made impossible:
#                     file indexes past the list, cells that end before
#                     they start, negative iteration counts
#
#   proxy.py MODE ARGS...   (ARGS: what the helper was started with)
import json
import os
import subprocess
import sys
import time

mode, args = sys.argv[1], sys.argv[2:]
out = sys.stdout


def emit(line):
    out.write(line + "\n")
    out.flush()


if mode == "flood-stderr":
    chunk = b"x" * (1 << 20)
    for _ in range(300):
        sys.stderr.buffer.write(chunk)
    sys.stderr.buffer.write(b"\nflooded\n")
    sys.stderr.flush()
if mode == "orphan":
    subprocess.Popen(["sleep", "600"], stdout=sys.stdout, stderr=sys.stderr, start_new_session=False)

child = subprocess.Popen([sys.executable] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def impossible(answer):
    """The same answer with its numbers past what can be."""
    if isinstance(answer, dict):
        out = {}
        for k, v in answer.items():
            if k == "file_index":
                v = 99999
            elif k == "start_ns":
                v = answer.get("end_ns", 0) + 10**9
            elif k == "n" and isinstance(v, dict):
                v = {w: -5 for w in v}
            else:
                v = impossible(v)
            out[k] = v
        return out
    if isinstance(answer, list):
        return [impossible(x) for x in answer]
    return answer


answers = 0
while True:
    line = child.stdout.readline()
    if not line:
        break
    answers += 1
    line = line.rstrip("\n")
    if mode == "hang-after-first" and answers > 1:
        time.sleep(3600)
    if mode == "garbage" and answers > 1:
        line = "Traceback? \x1b[31mno JSON here"
    if mode == "out-of-range" and answers > 1:
        line = json.dumps(impossible(json.loads(line)))
    emit(line)
    request = sys.stdin.readline()
    if not request:
        break
    child.stdin.write(request)
    child.stdin.flush()
child.stdin.close()
child.wait()
