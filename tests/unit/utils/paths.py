# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Where the unit tests' fixture files are: ``fixture_path("iperf", "central-seed_rawOutput.txt")``."""

import os

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")


def fixture_path(*parts):
    """The path of a fixture file (or folder) below tests/unit/fixtures."""
    return os.path.join(FIXTURES, *parts)
