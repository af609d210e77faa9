# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The fleet as an Ansible inventory: one host per gateway, named by its serial number, in the group ``gateways``."""

import yaml

GROUP = "gateways"


def inventory(serials):
    """The inventory as data: sorted host names (stable, so AWX-style slicing would split them evenly)."""
    return {"all": {
        "vars": {
            # Every task runs on the controller (delegate_to: localhost); nothing connects to the gateways.
            "ansible_connection": "local",
            "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        },
        "children": {GROUP: {"hosts": {serial: None for serial in sorted(serials)}}},
    }}


def write_inventory(path, serials):
    if not serials:
        raise ValueError("the simulator listed no gateways, so there is nothing to benchmark")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("---\n# Written by bench/run.py: the gateways the simulator lists.\n")
        yaml.safe_dump(inventory(serials), handle, default_flow_style=False, sort_keys=False)
    return path
