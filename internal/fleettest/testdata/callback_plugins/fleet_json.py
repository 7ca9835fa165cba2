# -*- coding: utf-8 -*-
# A stdout callback for the fleet test: the whole run as one JSON document,
# in the shape of the ansible.posix collection's json callback (plays, each
# with its tasks, each with its result per host; stats per host), which
# ansible-core alone does not ship.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: fleet_json
type: stdout
short_description: The run as one JSON document (the fleet test's)
description:
  - Plays, tasks and each host's result, then the stats per host, printed once at the end.
"""

import json

from ansible.parsing.ajson import AnsibleJSONEncoder
from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "stdout"
    CALLBACK_NAME = "fleet_json"

    def __init__(self, display=None):
        super(CallbackModule, self).__init__(display)
        self.plays = []

    def v2_playbook_on_play_start(self, play):
        self.plays.append(dict(play=dict(name=play.get_name()), tasks=[]))

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.plays[-1]["tasks"].append(dict(task=dict(name=task.get_name()), hosts={}))

    def v2_playbook_on_handler_task_start(self, task):
        self.v2_playbook_on_task_start(task, False)

    def _record(self, result, **extra):
        entry = dict(result._result)
        entry.update(extra)
        self.plays[-1]["tasks"][-1]["hosts"][result._host.get_name()] = entry

    def v2_runner_on_ok(self, result):
        self._record(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, failed=True)

    def v2_runner_on_skipped(self, result):
        self._record(result, skipped=True)

    def v2_runner_on_unreachable(self, result):
        self._record(result, unreachable=True)

    def v2_playbook_on_stats(self, stats):
        summary = dict((host, stats.summarize(host)) for host in sorted(stats.processed.keys()))
        self._display.display(json.dumps(dict(plays=self.plays, stats=summary), cls=AnsibleJSONEncoder, indent=2, sort_keys=True))
