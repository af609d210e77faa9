# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The fleet benchmark behind ``make bench``: the collection's playbook against a plain ``uri`` baseline.

One file per concern: ``simulator`` (start the local Central, read its metrics), ``inventory`` (the gateways as
inventory hosts), ``playbook`` (run ansible-playbook and account its CPU and memory), ``proctree`` (memory of a
process tree), ``figures`` (the numbers), ``checks`` (correctness), ``profile`` (per-task timing), ``render`` (the
table) and ``sizes`` (command-line values).
"""
