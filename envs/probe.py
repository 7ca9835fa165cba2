# PyHangar's probe: prints what an interpreter is as one JSON object.
# Runs on every CPython from 2.7 on (and PyPy); stdlib only; no side effects.
import os
import struct
import sys

try:
    import sysconfig
    cfg = sysconfig.get_config_var
except ImportError:  # pragma: no cover
    from distutils import sysconfig
    cfg = sysconfig.get_config_var


def opt(fn):
    try:
        return fn()
    except Exception:
        return None


vi = sys.version_info
version = "%d.%d.%d" % (vi[0], vi[1], vi[2])
if vi[3] != "final":
    version += {"alpha": "a", "beta": "b", "candidate": "rc"}.get(vi[3], vi[3]) + str(vi[4])

impl = getattr(sys, "implementation", None)
if impl is not None:
    impl = impl.name
else:
    impl = "pypy" if "PyPy" in sys.version else "cpython"


def machine():
    if hasattr(os, "uname"):
        return os.uname()[4]
    env = os.environ
    return env.get("PROCESSOR_ARCHITEW6432") or env.get("PROCESSOR_ARCHITECTURE") or ""

gil = None
if hasattr(sys, "_is_gil_enabled"):
    gil = bool(sys._is_gil_enabled())

jit_available = jit_enabled = None
jit = getattr(sys, "_jit", None)
if jit is not None:
    jit_available = opt(lambda: bool(jit.is_available()))
    jit_enabled = opt(lambda: bool(jit.is_enabled()))


def has_pip():
    try:
        import importlib.util
        return importlib.util.find_spec("pip") is not None
    except ImportError:
        import imp
        try:
            imp.find_module("pip")
            return True
        except ImportError:
            return False


base_prefix = getattr(sys, "base_prefix", getattr(sys, "real_prefix", sys.prefix))
abiflags = getattr(sys, "abiflags", None)
if abiflags is None:
    abiflags = cfg("ABIFLAGS") or ""

# A small JSON writer: importing json costs more than the rest of the probe.
if sys.version_info[0] < 3:
    text_type = unicode  # noqa: F821
else:
    text_type = str


def dump(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dict):
        return "{" + ", ".join(dump(k) + ": " + dump(x) for k, x in v.items()) + "}"
    if not isinstance(v, text_type):
        v = v.decode("utf-8", "replace")
    out = []
    for c in v:
        o = ord(c)
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif o < 0x20 or o > 0x7E:
            if o > 0xFFFF:
                o -= 0x10000
                out.append("\\u%04x\\u%04x" % (0xD800 + (o >> 10), 0xDC00 + (o & 0x3FF)))
            else:
                out.append("\\u%04x" % o)
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


sys.stdout.write(dump({
    "version": version,
    "implementation": impl,
    "executable": sys.executable,
    "prefix": sys.prefix,
    "base_prefix": base_prefix,
    "is_venv": sys.prefix != base_prefix,
    "free_threaded": bool(cfg("Py_GIL_DISABLED")),
    "gil_enabled": gil,
    "abiflags": abiflags,
    "ext_suffix": cfg("EXT_SUFFIX") or cfg("SO") or "",
    "machine": opt(machine) or "",
    "pointer_bits": struct.calcsize("P") * 8,
    "platform": sys.platform,
    "jit_available": jit_available,
    "jit_enabled": jit_enabled,
    "has_pip": has_pip(),
}))
