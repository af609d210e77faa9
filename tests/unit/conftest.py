# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# Copyright: contributors to the aruba_central.troubleshooting collection
"""Every unit test gets its own token cache and task-timing history, never the user's."""

import pytest


@pytest.fixture(autouse=True)
def _private_token_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("CENTRAL_TOKEN_CACHE_DIR", str(tmp_path / "token-cache"))
