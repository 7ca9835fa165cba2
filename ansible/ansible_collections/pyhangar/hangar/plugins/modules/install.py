#!/usr/bin/python
# -*- coding: utf-8 -*-

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: install
short_description: Install one Python interpreter with PyHangar
description:
  - Installs the interpreter a spec names (C(3.14t) free-threaded 3.14, C(3.14.7t), C(3.13)) with C(pyhangar install),
    through uv when the host has it, else from python.org.
  - Idempotent. When an interpreter on the host already matches the spec nothing is installed and C(changed=false).
  - In check mode says whether it would install, and installs nothing.
version_added: "1.0.0"
extends_documentation_fragment:
  - pyhangar.hangar.common
author: PyHangar
options:
  spec:
    description: The interpreter to have, as PyHangar writes it (a C(t) for a free-threaded build).
    type: str
    required: true
  via:
    description: The route; by default uv when the host has it, else python.org.
    type: str
    choices: [uv, python.org]
  jit:
    description: Build the experimental JIT in (python.org's source route, GIL builds of 3.13 and 3.14).
    type: bool
    default: false
  mirror:
    description: A python.org mirror (same paths as python.org).
    type: str
notes:
  - Supports check mode.
"""

EXAMPLES = r"""
- name: Free-threaded 3.14 on every host
  pyhangar.hangar.install:
    spec: 3.14t

- name: 3.14 with the JIT, built here
  pyhangar.hangar.install:
    spec: "3.14"
    via: python.org
    jit: true
"""

RETURN = r"""
interpreter:
  description: The interpreter that matches the spec, as C(pyhangar list --json) gives it; null in check mode when it would be installed.
  returned: always
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.pyhangar.hangar.plugins.module_utils.pyhangar import COMMON_OPTIONS, last_line, run


def main():
    spec = dict(
        spec=dict(type="str", required=True),
        via=dict(type="str", choices=["uv", "python.org"]),
        jit=dict(type="bool", default=False),
        mirror=dict(type="str"),
    )
    spec.update(COMMON_OPTIONS)
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    args = ["install", module.params["spec"], "--if-missing", "--json"]
    if module.params["via"]:
        args += ["--via", module.params["via"]]
    if module.params["jit"]:
        args.append("--jit")
    if module.params["mirror"]:
        args += ["--mirror", module.params["mirror"]]
    if module.check_mode:
        args.append("--dry-run")
    rc, doc, err = run(module, args)
    if rc != 0 or doc is None:
        module.fail_json(msg=last_line(err) or "pyhangar install failed (exit status %d)" % rc, rc=rc)
    module.exit_json(changed=bool(doc.get("changed")), interpreter=doc.get("interpreter"))


if __name__ == "__main__":
    main()
