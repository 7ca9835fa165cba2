# -*- coding: utf-8 -*-
# The options every pyhangar.hangar module takes (module_utils/pyhangar.py's
# COMMON_OPTIONS), documented once.

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  binary:
    description: The pyhangar binary on the host; by default the one on PATH, else C(~/.local/bin/pyhangar).
    type: path
  data_dir:
    description: PyHangar's data dir on the host; by default the user's own.
    type: path
  label:
    description:
      - The name PyHangar records this machine under in what it measures here (PYHANGAR_MACHINE_LABEL); usually C(inventory_hostname).
      - By default the label the machine has in its settings, else its hostname.
    type: str
requirements:
  - pyhangar on the host (the pyhangar.hangar.setup role installs it)
"""
