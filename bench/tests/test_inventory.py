# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader

from fleet_bench.inventory import write_inventory


def test_the_inventory_loads_in_ansible_with_sorted_gateway_hosts(tmp_path):
    path = write_inventory(str(tmp_path / "inventory.yml"), ["CNB2", "CNA1", "CNC3"])
    manager = InventoryManager(loader=DataLoader(), sources=[path])
    hosts = manager.get_groups_dict()["gateways"]
    assert hosts == ["CNA1", "CNB2", "CNC3"]
    assert manager.get_host("CNA1").get_vars()["inventory_hostname"] == "CNA1"
    assert manager.groups["all"].get_vars()["ansible_connection"] == "local"


def test_an_empty_fleet_is_refused(tmp_path):
    with pytest.raises(ValueError, match="listed no gateways"):
        write_inventory(str(tmp_path / "inventory.yml"), [])
