# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""settings.toml's fixed configuration: the port follows BLYNK_TLS, and a bad value names its key.

CircuitPython reads settings.toml through ``os.getenv``; here ``os.getenv`` answers from a dict.
"""

from __future__ import annotations

import os

import pytest

from blynk_edgent import settings

TOKEN = "abcdefghijklmnopqrstuvwxyzAB12_-"


@pytest.fixture
def toml(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {"BLYNK_AUTH_TOKEN": TOKEN, "CIRCUITPY_WIFI_SSID": "HomeNet", "CIRCUITPY_WIFI_PASSWORD": "secret-pass"}
    monkeypatch.setattr(os, "getenv", lambda key, default=None: values.get(key, default))
    return values


def test_the_port_follows_tls_unless_given(toml: dict[str, str]) -> None:
    assert settings.fixed_config(tls=True).port == 443
    assert settings.fixed_config(tls=False).port == 80
    toml["BLYNK_PORT"] = "8080"
    assert settings.fixed_config(tls=False).port == 8080


def test_a_bad_value_names_the_settings_key(toml: dict[str, str]) -> None:
    toml["BLYNK_AUTH_TOKEN"] = TOKEN[:31]
    with pytest.raises(settings.SettingsError, match=r"^settings.toml: BLYNK_AUTH_TOKEN: expected 32 characters"):
        settings.fixed_config()
    toml["BLYNK_AUTH_TOKEN"] = TOKEN
    toml["BLYNK_PORT"] = "70000"
    with pytest.raises(settings.SettingsError, match=r"^settings.toml: BLYNK_PORT: expected 1 to 65535"):
        settings.fixed_config()


def test_no_token_or_no_network_is_no_fixed_configuration(toml: dict[str, str]) -> None:
    del toml["BLYNK_AUTH_TOKEN"]
    assert settings.fixed_config() is None
