# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A local stand-in for HPE Aruba Networking Central's gateway iperf API, served on loopback.

Run it with ``python -m central_sim`` (see ``simulator/README.md``).
"""

__version__ = "1.0.0"
