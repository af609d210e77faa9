# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.aruba_central.troubleshooting.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._args import (
    CONNECTION_MUTUALLY_EXCLUSIVE,
    CONNECTION_REQUIRED_ONE_OF,
    CONNECTION_REQUIRED_TOGETHER,
    client_from_params,
    connection_argument_spec,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.fake_clock import FakeClock
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.http_mock import HttpMock, reply


def validate(params):
    validator = ArgumentSpecValidator(connection_argument_spec(), mutually_exclusive=CONNECTION_MUTUALLY_EXCLUSIVE,
                                      required_together=CONNECTION_REQUIRED_TOGETHER,
                                      required_one_of=CONNECTION_REQUIRED_ONE_OF)
    return validator.validate(params)


def test_defaults():
    result = validate({"base_url": "https://us1.api.central.arubanetworks.com", "access_token": "tok"})
    assert result.error_messages == []
    assert result.validated_parameters == {
        "base_url": "https://us1.api.central.arubanetworks.com", "access_token": "tok", "client_id": None,
        "client_secret": None, "token_url": "https://sso.common.cloud.hpe.com/as/token.oauth2", "api_version": "v1",
        "validate_certs": True, "ca_path": None, "request_timeout": 30.0, "max_retries": 5,
    }
    assert "tok" in result._no_log_values


def test_every_connection_option_falls_back_to_its_environment_variable(monkeypatch, tmp_path):
    env = {"CENTRAL_BASE_URL": "https://de1.api.central.arubanetworks.com", "CENTRAL_CLIENT_ID": "id-1",
           "CENTRAL_CLIENT_SECRET": "secret-1", "CENTRAL_TOKEN_URL": "https://sso.example.test/token",
           "CENTRAL_API_VERSION": "v1alpha1", "CENTRAL_VALIDATE_CERTS": "false", "CENTRAL_CA_PATH": "~/ca.pem"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = validate({})
    assert result.error_messages == []
    params = result.validated_parameters
    assert (params["base_url"], params["client_id"], params["client_secret"], params["token_url"]) == \
        ("https://de1.api.central.arubanetworks.com", "id-1", "secret-1", "https://sso.example.test/token")
    assert params["api_version"] == "v1alpha1" and params["validate_certs"] is False
    assert params["ca_path"].endswith("/ca.pem") and "~" not in params["ca_path"]
    assert "secret-1" in result._no_log_values


def test_explicit_values_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("CENTRAL_BASE_URL", "https://de1.api.central.arubanetworks.com")
    monkeypatch.setenv("CENTRAL_API_VERSION", "v1alpha1")
    result = validate({"base_url": "https://us1.api.central.arubanetworks.com", "api_version": "v1",
                       "access_token": "tok"})
    assert result.validated_parameters["base_url"] == "https://us1.api.central.arubanetworks.com"
    assert result.validated_parameters["api_version"] == "v1"


def test_empty_environment_variables_count_as_unset(monkeypatch):
    # an AWX credential injects empty strings for the fields left blank
    monkeypatch.setenv("CENTRAL_BASE_URL", "https://us1.api.central.arubanetworks.com")
    monkeypatch.setenv("CENTRAL_ACCESS_TOKEN", "")
    monkeypatch.setenv("CENTRAL_CLIENT_ID", "id-1")
    monkeypatch.setenv("CENTRAL_CLIENT_SECRET", "secret-1")
    result = validate({})
    assert result.error_messages == []
    assert result.validated_parameters["access_token"] is None


@pytest.mark.parametrize("params, message", [
    ({"access_token": "tok"}, "missing required arguments: base_url"),
    ({"base_url": "https://x.test"}, "one of the following is required: access_token, client_id"),
    ({"base_url": "https://x.test", "client_id": "id"}, "parameters are required together: client_id, client_secret"),
    ({"base_url": "https://x.test", "access_token": "t", "client_id": "i", "client_secret": "s"}, "mutually exclusive"),
    ({"base_url": "https://x.test", "access_token": "t", "api_version": "v2"}, "api_version must be one of: v1, v1alpha1"),
])
def test_invalid_combinations(params, message):
    assert any(message in error for error in validate(params).error_messages)


def test_doc_fragment_documents_exactly_the_argument_spec():
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    spec = connection_argument_spec()
    assert set(documented) == set(spec)
    for name, option in spec.items():
        doc = documented[name]
        assert doc["type"] == option["type"], name
        assert doc.get("required", False) == option.get("required", False), name
        assert doc.get("choices") == option.get("choices"), name
        if "default" in option:
            assert doc["default"] == option["default"], name
        fallback = option.get("fallback")
        if fallback:
            assert "E(%s)" % fallback[1][0] in " ".join(doc["description"]), name
    plugin = yaml.safe_load(ModuleDocFragment.PLUGIN)["options"]
    for name, option in plugin.items():
        assert option["env"] == [{"name": spec[name]["fallback"][1][0]}]


def test_client_from_params_with_access_token():
    http = HttpMock([("GET", r"/network-monitoring/v1alpha1/gateways$", reply(200, json={"items": []}))])
    params = validate({"base_url": "https://us1.api.central.arubanetworks.com/", "access_token": "tok",
                       "api_version": "v1alpha1", "request_timeout": 12, "max_retries": 0}).validated_parameters
    client = client_from_params(params, clock=FakeClock(), session=http)
    assert client.base_url == "https://us1.api.central.arubanetworks.com"
    assert (client.api_version, client.request_timeout, client.max_retries) == ("v1alpha1", 12.0, 0)
    assert client.get(client.monitoring_path("gateways")) == {"items": []}
    assert http.requests[0].headers["Authorization"] == "Bearer tok"


def test_client_from_params_with_client_credentials_uses_the_token_cache(tmp_path):
    token_re = r"^https://sso\.common\.cloud\.hpe\.com/as/token\.oauth2$"
    http = HttpMock([("POST", token_re, reply(200, json={"access_token": "tok-1", "expires_in": 7200})),
                     ("GET", r"/gateways$", reply(200, json={"items": []})),
                     ("GET", r"/gateways$", reply(200, json={"items": []}))])
    params = validate({"base_url": "https://us1.api.central.arubanetworks.com", "client_id": "id-1",
                       "client_secret": "secret-1"}).validated_parameters
    clock = FakeClock()
    client_from_params(params, clock=clock, session=http).get("/network-monitoring/v1/gateways")
    second = client_from_params(params, clock=clock, session=http)  # another task: reuses the cached token
    second.get("/network-monitoring/v1/gateways")
    http.assert_done()
    assert second.stats["tokens_minted"] == 0
    assert len(list((tmp_path / "token-cache").glob("*.json"))) == 1


@pytest.mark.parametrize("params, message", [
    ({"base_url": "", "access_token": "t"}, "base_url is not set"),
    ({"base_url": "https://x.test", "access_token": "t", "client_id": "i"}, "both access_token and client credentials"),
    ({"base_url": "https://x.test", "client_id": "i", "client_secret": " "}, "client_secret is not set"),
    ({"base_url": "https://x.test"}, "no credentials given"),
])
def test_client_from_params_explains_bad_input(params, message):
    with pytest.raises(CentralError, match=message):
        client_from_params(params, clock=FakeClock(), session=HttpMock())
