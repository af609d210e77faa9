# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# Copyright: contributors to the aruba_central.troubleshooting collection
#
# This module util is PRIVATE to the collection. It may change at any time, without notice;
# do not use it from other collections or roles.
"""How long an iperf test takes on Central, from start to COMPLETED, learnt on this controller.

Central does not document its set-up time; a 10-second test took about 58 s in HPE's own example. Every completed
test reports ``startTime`` and ``endTime``; their difference is recorded here (per Central host, duration and
direction), and the median of the recent ones tells the poller when to look. With nothing recorded yet, the prior
is ``SETUP_SECONDS + duration × directions``. The history is a small JSON file beside the token cache, replaced
atomically; it holds no secrets. Any problem with it only means falling back to the prior.
"""

import datetime
import fcntl
import json
import os
import re
import tempfile

SETUP_SECONDS = 48.0
KEEP = 15
CONFIDENT_AFTER = 2
FILE_NAME = "task_timings.json"

_FRACTION = re.compile(r"(\.\d{1,6})\d*")


def prior_seconds(duration, include_reverse=False):
    directions = 2 if include_reverse else 1
    return SETUP_SECONDS + float(duration or 10) * directions


def parse_api_time(value):
    """An RFC 3339 time from Central (nanoseconds allowed) as epoch seconds, or None."""
    if not isinstance(value, str) or not value:
        return None
    text = _FRACTION.sub(r"\1", value.strip()).replace("z", "Z")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp()


def observed_seconds(body):
    """endTime - startTime of a finished task body, or None."""
    if not isinstance(body, dict):
        return None
    start = parse_api_time(body.get("startTime"))
    end = parse_api_time(body.get("endTime"))
    if start is None or end is None or end < start:
        return None
    return end - start


def default_cache_dir():
    override = os.environ.get("CENTRAL_TOKEN_CACHE_DIR")
    if override:
        return override
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "aruba_central_troubleshooting")


class TaskTimingHistory:
    """Recent test wall times per (Central host, duration, directions)."""

    def __init__(self, cache_dir=None):
        self.path = os.path.join(cache_dir or default_cache_dir(), FILE_NAME)

    @staticmethod
    def key(host, duration, include_reverse):
        return "%s|%s|%s" % (host or "", int(duration or 10), "both" if include_reverse else "one")

    def _load(self):
        try:
            with open(self.path, "r", encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def expected(self, key, prior):
        """(expected seconds, confident) for a test with this key."""
        samples = [s for s in self._load().get(key, []) if isinstance(s, (int, float)) and 0 < s < 86400]
        if len(samples) < CONFIDENT_AFTER:
            return prior, False
        samples.sort()
        middle = len(samples) // 2
        median = samples[middle] if len(samples) % 2 else (samples[middle - 1] + samples[middle]) / 2.0
        return median, True

    def record(self, key, seconds):
        """Add one observation; never raises."""
        if seconds is None or not 0 < seconds < 86400:
            return
        directory = os.path.dirname(self.path)
        try:
            os.makedirs(directory, mode=0o700, exist_ok=True)
            with open(self.path + ".lock", "a", encoding="utf-8") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                data = self._load()
                samples = [s for s in data.get(key, []) if isinstance(s, (int, float))]
                data[key] = (samples + [round(float(seconds), 3)])[-KEEP:]
                fd, tmp = tempfile.mkstemp(dir=directory, prefix=".timings-")
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(data, handle)
                os.replace(tmp, self.path)
        except OSError:
            return
