#!/usr/bin/python
# -*- coding: utf-8 -*-

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: facts
short_description: What PyHangar knows of a host, as facts
description:
  - Sets C(ansible_facts.pyhangar) from PyHangar's C(--json) outputs on the host
    (C(pyhangar list --json), C(pyhangar venv list --json), C(pyhangar bench history --json)).
  - Changes nothing; runs in check mode too.
version_added: "1.0.0"
extends_documentation_fragment:
  - pyhangar.hangar.common
author: PyHangar
notes:
  - Supports check mode.
"""

EXAMPLES = r"""
- name: Gather PyHangar's facts
  pyhangar.hangar.facts:

- name: Say which hosts have a free-threaded build whose GIL stays off
  ansible.builtin.debug:
    msg: "{{ ansible_facts.pyhangar.interpreters | selectattr('free_threaded') | map(attribute='path') | list }}"
"""

RETURN = r"""
ansible_facts:
  description: The facts.
  returned: always
  type: complex
  contains:
    pyhangar:
      description: What PyHangar knows of this host.
      type: complex
      contains:
        interpreters:
          description: Each interpreter, with version, free_threaded, gil_enabled, jit_available, jit_enabled, source and path.
          type: list
          elements: dict
        venvs:
          description: The venvs PyHangar made, registered or found, with their status.
          type: list
          elements: dict
        verdicts:
          description: The last benchmark verdict of each interpreter measured here, by path.
          type: list
          elements: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.pyhangar.hangar.plugins.module_utils.pyhangar import COMMON_OPTIONS, last_line, run

KEEP = ("path", "version", "implementation", "free_threaded", "gil_enabled", "jit_available", "jit_enabled", "source", "arch", "status", "is_venv")


def query(module, args):
    rc, doc, err = run(module, args)
    if rc != 0 or doc is None:
        module.fail_json(msg="pyhangar %s: %s" % (" ".join(args[:2]), last_line(err) or "exit status %d" % rc), rc=rc)
    return doc


def main():
    module = AnsibleModule(argument_spec=dict(COMMON_OPTIONS), supports_check_mode=True)
    interpreters = [dict((k, i.get(k)) for k in KEEP) for i in query(module, ["list", "--json"])]
    venvs = query(module, ["venv", "list", "--json"])
    verdicts, seen = [], set()
    for run_ in query(module, ["bench", "history", "--json"]):  # newest first
        r = run_.get("result") or {}
        key = (r.get("path"), r.get("variant", ""))
        if key in seen:
            continue
        seen.add(key)
        verdicts.append(dict(path=r.get("path"), version=r.get("version"), free_threaded=r.get("free_threaded"),
                             variant=r.get("variant", ""), verdict=r.get("verdict"), paired_verdict=r.get("paired_verdict", ""),
                             started=r.get("started"), machine=(run_.get("machine") or {}).get("label") or (run_.get("machine") or {}).get("hostname")))
    module.exit_json(changed=False, ansible_facts=dict(pyhangar=dict(interpreters=interpreters, venvs=venvs, verdicts=verdicts)))


if __name__ == "__main__":
    main()
