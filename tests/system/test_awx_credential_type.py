# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""playbooks/awx_credential_type.yml, run from the installed collection against a stand-in of AWX's API on loopback.

The stand-in answers the three calls the playbook makes (look up by name, create, update) the way AWX's
``/api/v2/credential_types/`` does, and records them, so the test sees exactly what a controller would receive.
"""

import threading
from http.server import ThreadingHTTPServer

import pytest
import yaml

from ansible_collections.aruba_central.troubleshooting.tests.system import harness
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.json_http import JsonHandler

TOKEN = "awx-token-for-the-test"
DEFINITION = harness.COLLECTION_ROOT + "/extensions/awx/credential_type_central.yml"
PLAYBOOK = """
- name: Create the credential type
  ansible.builtin.import_playbook: aruba_central.troubleshooting.awx_credential_type
"""


class Controller(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.types = {}
        self.calls = []


class Handler(JsonHandler):
    def _record(self, body=None):
        self.server.calls.append((self.command, self.path, self.headers.get("Authorization"), body))
        if self.headers.get("Authorization") != "Bearer %s" % TOKEN:
            self._answer(401, {"detail": "Authentication credentials were not provided."})
            return False
        return True

    def do_GET(self):
        if self._record():
            found = [dict(item, id=key) for key, item in self.server.types.items()
                     if "name=" + item["name"].replace(" ", "%20") in self.path]
            self._answer(200, {"count": len(found), "results": found})

    def do_POST(self):
        body = self._body()
        if self._record(body):
            self.server.types[len(self.server.types) + 1] = body
            self._answer(201, dict(body, id=len(self.server.types)))

    def do_PATCH(self):
        body = self._body()
        if self._record(body):
            key = int(self.path.rstrip("/").rsplit("/", 1)[1])
            self.server.types[key].update(body)
            self._answer(200, dict(self.server.types[key], id=key))


@pytest.fixture(name="controller")
def controller_fixture():
    server = Controller()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def run_playbook(tmp_path, controller):
    playbook = tmp_path / "main.yml"
    playbook.write_text(PLAYBOOK, encoding="utf-8")
    env = harness.ansible_env(tmp_path, CONTROLLER_HOST="http://127.0.0.1:%d/" % controller.server_port,
                              CONTROLLER_OAUTH_TOKEN=TOKEN)
    return harness.run_ansible("ansible-playbook", [str(playbook)], env, tmp_path, timeout=120)


def test_the_credential_type_is_created_from_the_installed_collection_then_left_alone(tmp_path, controller):
    with open(DEFINITION, encoding="utf-8") as handle:
        shipped = yaml.safe_load(handle)
    first = run_playbook(tmp_path, controller)
    assert first.returncode == 0, first.tail()
    assert [call[0] for call in controller.calls] == ["GET", "POST"]
    created = controller.calls[1][3]
    assert created == {key: shipped[key] for key in ("name", "description", "kind", "inputs", "injectors")}
    assert created["injectors"]["env"]["CENTRAL_CLIENT_SECRET"] == "{{ client_secret }}"
    second = run_playbook(tmp_path, controller)
    assert second.returncode == 0, second.tail()
    assert [call[0] for call in controller.calls] == ["GET", "POST", "GET"], "an unchanged type is not updated"


def test_a_changed_type_is_updated(tmp_path, controller):
    controller.types[7] = {"name": "HPE Aruba Networking Central API", "description": "old", "kind": "cloud",
                           "inputs": {}, "injectors": {}}
    run = run_playbook(tmp_path, controller)
    assert run.returncode == 0, run.tail()
    assert [(call[0], call[1]) for call in controller.calls][-1] == ("PATCH", "/api/v2/credential_types/7/")
    assert controller.types[7]["inputs"]["fields"][0]["id"] == "base_url"


def test_missing_controller_settings_are_named(tmp_path):
    playbook = tmp_path / "main.yml"
    playbook.write_text(PLAYBOOK, encoding="utf-8")
    run = harness.run_ansible("ansible-playbook", [str(playbook)], harness.ansible_env(tmp_path), tmp_path)
    assert run.returncode != 0
    assert "set CONTROLLER_HOST" in run.output
