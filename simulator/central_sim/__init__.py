"""A local stand-in for HPE Aruba Networking Central's gateway iperf API, served on loopback.

Run it with ``python -m central_sim`` (see ``simulator/README.md``).
"""

__version__ = "1.0.0"
