"""Typed keys for the aiohttp application and request storage."""

from aiohttp import web

SIM = web.AppKey("central_sim.simulator")
CLIENT_ID = web.RequestKey("central_sim.client_id", str)
DROPPED = web.RequestKey("central_sim.dropped", bool)
