# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Typed keys for the aiohttp application and request storage."""

from aiohttp import web

SIM = web.AppKey("central_sim.simulator")
CLIENT_ID = web.RequestKey("central_sim.client_id", str)
DROPPED = web.RequestKey("central_sim.dropped", bool)
