# -*- coding: utf-8 -*-
# Shared by the pyhangar.hangar modules: finding the pyhangar binary on the
# host and running it, always with an argument list (never a shell string),
# reading the one JSON document its --json prints.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

COMMON_OPTIONS = dict(
    binary=dict(type="path"),
    data_dir=dict(type="path"),
    label=dict(type="str"),
)


def find_binary(module):
    """The pyhangar binary: the binary option, else on PATH, else
    ~/.local/bin/pyhangar (where the setup role and make user-install put it)."""
    given = module.params.get("binary")
    if given:
        return given
    found = module.get_bin_path("pyhangar")
    if found:
        return found
    local = os.path.expanduser("~/.local/bin/pyhangar")
    if os.access(local, os.X_OK):
        return local
    module.fail_json(msg="pyhangar is not installed on this host (not on PATH, not in ~/.local/bin); the pyhangar.hangar.setup role installs it")


def run(module, args, check_rc=False):
    """Runs pyhangar with args (a list) and returns (rc, the JSON document it
    printed or None, its stderr). PYHANGAR_MACHINE_LABEL carries the label
    option, so what it records names this host as the inventory does."""
    argv = [find_binary(module)]
    if module.params.get("data_dir"):
        argv += ["--data-dir", module.params["data_dir"]]
    argv += args
    env = {}
    if module.params.get("label"):
        env["PYHANGAR_MACHINE_LABEL"] = module.params["label"]
    rc, out, err = module.run_command(argv, environ_update=env, check_rc=check_rc)
    doc = None
    if out.strip():
        try:
            doc = json.loads(out)
        except ValueError:
            module.fail_json(msg="pyhangar %s printed something that is not its JSON: %s" % (args[0], out.strip()[:300]), rc=rc, stderr=err)
    return rc, doc, err


def last_line(text):
    """PyHangar's one-line error: the last line it wrote to stderr."""
    lines = [line for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""
