# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The benchmark's simulator wrapper against the real simulator on loopback (synthetic mode, a few gateways)."""

import pytest

from fleet_bench.simulator import Simulator, SimulatorError


def test_lists_the_generated_gateways_and_resets_its_metrics(tmp_path):
    with Simulator(gateways=7, endpoints=2, speed=50, seed=3, work_dir=str(tmp_path)) as sim:
        assert sim.base_url.startswith("http://127.0.0.1:")
        assert sim.actual_mode == "synthetic"
        fleet = sim.gateways()
        assert len(fleet) == 7
        assert set(fleet.values()) <= {"Online", "Offline"}
        metrics = sim.metrics()
        assert metrics["tokens_minted"] == 1
        assert metrics["requests"]["GET /network-monitoring/v1/gateways"] == {"200": 1}
        sim.reset_metrics()
        assert sim.metrics()["tokens_minted"] == 0
        assert sim.environment()["CENTRAL_BASE_URL"] == sim.base_url
    assert sim.proc is None


def test_the_same_seed_gives_the_same_fleet(tmp_path):
    fleets = []
    for _index in range(2):
        with Simulator(gateways=5, endpoints=1, speed=50, seed=11, work_dir=str(tmp_path)) as sim:
            fleets.append(sim.gateways())
    assert fleets[0] == fleets[1]


def test_a_simulator_that_cannot_start_says_so(tmp_path):
    sim = Simulator(gateways=3, endpoints=1, work_dir=str(tmp_path), extra_args=["--rate-limit", "nonsense"])
    with pytest.raises(SimulatorError, match="did not start"):
        sim.start()
