# PyHangar's GIL scan. "--list" prints the top-level modules installed in
# this environment's site-packages; NAME... imports the modules in turn,
# in this one process, and reports whether the GIL was on before and after,
# the GIL warnings they raised and the first import error.
import importlib
import json
import os
import sys
import sysconfig
import warnings

SKIP = {"__pycache__", "_distutils_hack", "pip"}


def installed():
    names = set()
    paths = sysconfig.get_paths()
    for d in {paths["purelib"], paths["platlib"]}:
        if not os.path.isdir(d):
            continue
        for e in os.listdir(d):
            if e in SKIP or e.startswith(".") or e.endswith((".dist-info", ".egg-info", ".pth", ".egg-link")):
                continue
            full = os.path.join(d, e)
            if e.endswith(".py"):
                names.add(e[:-3])
            elif e.endswith((".so", ".pyd")):
                names.add(e.split(".")[0])
            elif os.path.isdir(full) and e.isidentifier():
                names.add(e)
    return sorted(n for n in names if n not in SKIP)


if sys.argv[1] == "--list":
    print(json.dumps(installed()))
else:
    before = sys._is_gil_enabled()
    error = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name in sys.argv[1:]:
            try:
                importlib.import_module(name)
            except BaseException as e:  # noqa: BLE001 - any failure is reported
                if error is None:
                    error = "%s: %s: %s" % (name, type(e).__name__, e) if len(sys.argv) > 2 else "%s: %s" % (type(e).__name__, e)
    after = sys._is_gil_enabled()
    gil_warnings = [str(w.message) for w in caught
                    if issubclass(w.category, RuntimeWarning) and "global interpreter lock" in str(w.message).lower()]
    print(json.dumps({"before": before, "after": after, "warnings": gil_warnings, "error": error}))
