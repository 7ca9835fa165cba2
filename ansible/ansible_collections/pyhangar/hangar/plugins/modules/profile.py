#!/usr/bin/python
# -*- coding: utf-8 -*-

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: profile
short_description: Apply a PyHangar team profile to a host
description:
  - Applies a PyHangar profile (a TOML file from the team's repository) with C(pyhangar profile apply);
    the interpreters it lists are installed (free-threaded builds such as C(3.14t) included) and its venvs made.
  - A second run on a machine that already matches the profile changes nothing and reports C(changed=false).
  - A profile is someone else's file. Steps that run an interpreter the profile names by path, or that install
    from somewhere other than the default package index, fail the task, listing them, unless the play accepts
    them by name with O(accept_paths) and O(accept_indexes).
  - In check mode the plan is shown (C(profile apply --dry-run)) and nothing changes; in diff mode the plan is the diff.
version_added: "1.0.0"
extends_documentation_fragment:
  - pyhangar.hangar.common
author: PyHangar
options:
  src:
    description: The profile file on the host (copy it there first, for example with M(ansible.builtin.copy)).
    type: path
    required: true
  accept_paths:
    description: Accept the steps that run an interpreter the profile names by path (it comes with the profile).
    type: bool
    default: false
  accept_indexes:
    description: Accept the steps whose requirements install from another index, a URL, a repository or an editable folder.
    type: bool
    default: false
  mirror:
    description: A python.org mirror for the installs (same paths as python.org).
    type: str
notes:
  - Supports check mode and diff mode.
"""

EXAMPLES = r"""
- name: Put the team's profile on the host
  ansible.builtin.copy:
    src: team.toml
    dest: "{{ ansible_env.HOME }}/team.toml"
    mode: "0644"

- name: Apply it
  pyhangar.hangar.profile:
    src: "{{ ansible_env.HOME }}/team.toml"
    label: "{{ inventory_hostname }}"

- name: A profile whose venv runs a tool from the team's repository
  pyhangar.hangar.profile:
    src: "{{ ansible_env.HOME }}/tools-profile/team.toml"
    accept_paths: true
"""

RETURN = r"""
profile:
  description: The profile's name.
  returned: always
  type: str
plan:
  description: The steps of the plan, each with its kind, what it is about, its state and notes.
  returned: always
  type: list
  elements: dict
result:
  description: How each step ended after the apply (empty in check mode and when nothing was to do).
  returned: always
  type: list
  elements: dict
installed:
  description: The interpreters installed by this run.
  returned: always
  type: list
  elements: str
made:
  description: The venvs made or recreated by this run.
  returned: always
  type: list
  elements: str
skipped:
  description: The steps skipped, and why (already there).
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.pyhangar.hangar.plugins.module_utils.pyhangar import COMMON_OPTIONS, last_line, run


def summary(doc):
    installed, made, skipped = [], [], []
    for step in doc.get("result") or []:
        if step.get("state") == "done":
            (installed if step.get("kind") == "python" else made).append(step.get("what"))
    for step in doc.get("plan") or []:
        if step.get("state") == "present":
            skipped.append("%s: already there (%s)" % (step.get("what"), step.get("detail", "")))
    return installed, made, skipped


def plan_text(doc):
    lines = []
    for step in doc.get("plan") or []:
        lines.append("%s: %s" % (step.get("what"), step.get("state")))
        for note in step.get("notes") or []:
            lines.append("    - " + note)
    return "\n".join(lines) + "\n"


def main():
    spec = dict(
        src=dict(type="path", required=True),
        accept_paths=dict(type="bool", default=False),
        accept_indexes=dict(type="bool", default=False),
        mirror=dict(type="str"),
    )
    spec.update(COMMON_OPTIONS)
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    accept = ["plain"]
    if module.params["accept_paths"]:
        accept.append("paths")
    if module.params["accept_indexes"]:
        accept.append("indexes")
    args = ["profile", "apply", module.params["src"], "--json", "--accept", ",".join(accept)]
    if module.params["mirror"]:
        args += ["--mirror", module.params["mirror"]]
    if module.check_mode:
        args.append("--dry-run")
    rc, doc, err = run(module, args)
    if doc is None:
        module.fail_json(msg=last_line(err) or "pyhangar profile apply failed (exit status %d)" % rc, rc=rc)
    installed, made, skipped = summary(doc)
    todo = [s for s in doc.get("plan") or [] if s.get("state") != "present"]
    changed = bool(doc.get("changed")) or (module.check_mode and bool(todo))
    result = dict(changed=changed, profile=doc.get("profile"), plan=doc.get("plan") or [], result=doc.get("result") or [],
                  installed=installed, made=made, skipped=skipped)
    if module._diff:
        result["diff"] = dict(before="", after=plan_text(doc), after_header=module.params["src"] + " (plan)")
    if rc != 0:
        module.fail_json(msg=doc.get("error") or last_line(err), rc=rc, **result)
    # In check mode the plan says what an apply would refuse.
    refused = ["%s needs --accept %s: %s" % (s.get("what"), need, "; ".join(s.get("notes") or []))
               for s in todo for need in (s.get("needs") or []) if need not in accept]
    if refused:
        module.fail_json(msg="the profile would not be applied: " + "; ".join(refused), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
