# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The AWX credential type of extensions/awx: its fields, and what its injectors put in the environment.

The injectors are rendered the way AWX renders them: a sandboxed Jinja environment over the credential's inputs,
booleans left unset are false, other unset inputs are undefined (rendered empty).
"""

import os
import types

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

COLLECTION = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
with open(os.path.join(COLLECTION, "extensions", "awx", "credential_type_central.yml"), encoding="utf-8") as _handle:
    CREDENTIAL_TYPE = yaml.safe_load(_handle)
FIELDS = dict((field["id"], field) for field in CREDENTIAL_TYPE["inputs"]["fields"])
CA_FILE = "/runner/env/tmpca"


def inject(**inputs):
    namespace = dict((name, False) for name, field in FIELDS.items() if field["type"] == "boolean")
    namespace.update(inputs)
    namespace["tower"] = types.SimpleNamespace(filename=types.SimpleNamespace(ca_bundle=CA_FILE))
    env = ImmutableSandboxedEnvironment()
    return dict((name, env.from_string(template).render(**namespace))
                for name, template in CREDENTIAL_TYPE["injectors"]["env"].items())


def test_it_is_a_cloud_credential_type_the_awx_module_accepts():
    assert set(CREDENTIAL_TYPE) == {"name", "description", "kind", "inputs", "injectors"}
    assert CREDENTIAL_TYPE["kind"] == "cloud"
    assert CREDENTIAL_TYPE["inputs"]["required"] == ["base_url"]


def test_it_injects_every_connection_variable_of_the_collection():
    assert sorted(CREDENTIAL_TYPE["injectors"]["env"]) == sorted([
        "CENTRAL_BASE_URL", "CENTRAL_CLIENT_ID", "CENTRAL_CLIENT_SECRET", "CENTRAL_ACCESS_TOKEN", "CENTRAL_TOKEN_URL",
        "CENTRAL_API_VERSION", "CENTRAL_VALIDATE_CERTS", "CENTRAL_CA_PATH"])


def test_secrets_are_secret_fields():
    assert sorted(name for name, field in FIELDS.items() if field.get("secret")) == ["access_token", "client_secret"]


def test_a_full_credential_is_injected_as_given():
    env = inject(base_url="https://us1.api.central.arubanetworks.com", client_id="id", client_secret="s3cret",
                 token_url="https://sso.example/token", api_version="v1alpha1", disable_certificate_validation=True,
                 ca_bundle="-----BEGIN CERTIFICATE-----")
    assert env == {
        "CENTRAL_BASE_URL": "https://us1.api.central.arubanetworks.com", "CENTRAL_CLIENT_ID": "id",
        "CENTRAL_CLIENT_SECRET": "s3cret", "CENTRAL_ACCESS_TOKEN": "", "CENTRAL_TOKEN_URL": "https://sso.example/token",
        "CENTRAL_API_VERSION": "v1alpha1", "CENTRAL_VALIDATE_CERTS": "false", "CENTRAL_CA_PATH": CA_FILE}


def test_a_minimal_credential_keeps_tls_validation_on_and_leaves_the_rest_empty():
    env = inject(base_url="https://central.example", access_token="tok")
    assert env["CENTRAL_VALIDATE_CERTS"] == "true"
    assert env["CENTRAL_API_VERSION"] == "v1"
    assert env["CENTRAL_CA_PATH"] == ""
    assert env["CENTRAL_ACCESS_TOKEN"] == "tok"
    assert env["CENTRAL_CLIENT_SECRET"] == "" and env["CENTRAL_TOKEN_URL"] == ""


def test_the_ca_bundle_is_written_to_the_file_the_path_points_at():
    assert CREDENTIAL_TYPE["injectors"]["file"] == {"template.ca_bundle": "{{ ca_bundle }}"}
