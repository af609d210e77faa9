# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Gateway files and generated fleets."""

import os

import pytest

from central_sim.gateways import Stall, generate_gateways, load_gateways

DEMO = os.path.join(os.path.dirname(__file__), "..", "demo_gateways.yml")


def test_the_demo_fleet_loads_with_poor_stalling_and_offline_gateways():
    gateways = load_gateways(DEMO)
    assert 10 <= len(gateways) <= 14
    assert {g.site for g in gateways} == {"HQ-Berlin", "Branch-Lyon", "Branch-Austin"}
    assert sum(not g.online for g in gateways) == 1
    assert sum(g.link.up_mbps <= 10 for g in gateways) == 2
    assert sum(g.link.stall is not None for g in gateways) == 1


def test_generated_fleet_has_poor_links_stalls_and_about_five_percent_offline():
    fleet = generate_gateways(400, seed=3)
    assert len({g.serial for g in fleet}) == 400
    assert all(g.serial.startswith("CN") and len(g.serial) == 10 for g in fleet)
    assert sum(not g.online for g in fleet) == 20
    assert 5 <= sum(g.link.up_mbps <= 10 for g in fleet) <= 40
    assert 3 <= sum(g.link.stall is not None for g in fleet) <= 25
    assert len({g.site for g in fleet}) == 10
    assert all(40 <= g.link.setup_delay_s <= 56 for g in fleet)
    assert fleet == generate_gateways(400, seed=3)


@pytest.mark.parametrize("start, end, fraction", [(0, 1, 0.0), (4, 5, 1.0), (6.5, 7.5, 0.5), (7, 8, 0.0),
                                                  (0, 10, 0.5)])
def test_stall_windows_start_every_period(start, end, fraction):
    assert Stall(every_s=4, for_s=3).stalled_fraction(start, end) == pytest.approx(fraction)


def test_a_file_and_generated_gateways_together(make_sim):
    client = make_sim(gateways=DEMO, generate=30)
    body = client.get("/network-monitoring/v1/gateways", params={"limit": 100}).json()
    serials = [item["serialNumber"] for item in body["items"]]
    assert body["total"] == 42 and len(set(serials)) == 42
    assert "CNF7G9K001" in serials and "CNF7G9K012" in serials
