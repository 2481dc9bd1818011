# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""/config parameters: Blynk's names in, a validated Config out, the parameter named when wrong."""

from blynk_edgent.portal import parse_config
from support import raises

TOKEN = "abcdefghijklmnopqrstuvwxyzAB12_-"


def test_blynk_app_parameters():
    params = {"ssid": "HomeNet", "pass": "secret-pass", "blynk": TOKEN, "host": "fra1.blynk.cloud",
              "port": "80", "port_ssl": "8443", "save": "1", "if": "wifi"}  # fmt: skip
    config, save = parse_config(params, tls=True)
    assert (config.ssid, config.password, config.token, config.host, config.port) == (
        "HomeNet", "secret-pass", TOKEN, "fra1.blynk.cloud", 8443,
    )  # fmt: skip
    assert save and not config.provisioned
    config, save = parse_config(params, tls=False)
    assert config.port == 80


def test_defaults_manual_ssid_and_static_ip():
    config, save = parse_config({"ssid": "Listed", "ssidManual": "Hidden", "blynk": TOKEN}, tls=True)
    assert (config.ssid, config.host, config.port, config.password, save) == ("Hidden", "blynk.cloud", 443, "", False)
    static = {"ssid": "x", "blynk": TOKEN, "ip": "10.0.0.5", "mask": "255.255.255.0", "gw": "10.0.0.1"}
    assert parse_config(static, tls=True)[0].static == ("10.0.0.5", "255.255.255.0", "10.0.0.1", "", "")


def test_errors_name_the_parameter_the_phone_sent():
    def msg(tls=True, **params):
        return str(raises(ValueError, parse_config, params, tls))

    assert msg(ssid="x", blynk=TOKEN[:31]).startswith("blynk: expected 32 characters")
    assert msg(ssid="x", blynk=TOKEN, **{"pass": "short"}).startswith("pass:")
    assert msg(ssid="x", blynk=TOKEN, port_ssl="0").startswith("port_ssl:")
    assert msg(tls=False, ssid="x", blynk=TOKEN, port="70000").startswith("port:")
    assert msg(ssid="x", blynk=TOKEN, port_ssl="8o").startswith("port_ssl: expected a whole number")
    assert msg(blynk=TOKEN).startswith("ssid:")
    assert msg(ssid="x", blynk=TOKEN, ip="10.0.0.5").startswith("mask: required")
    assert msg(ssid="x", blynk=TOKEN, **{"if": "eth"}).startswith("if:")
    assert msg(ssid="x", blynk=TOKEN, host="bad host").startswith("host:")


def test_what_blynks_firmware_accepts_is_accepted():
    # save: "1" or "true" in any case (newer firmware), any whole number but 0 (classic toInt())
    for value, expected in (("True", True), ("TRUE", True), ("1", True), ("2", True), ("-1", True), ("7abc", True),
                            ("", False), ("0", False), ("false", False), ("maybe", False), ("00", False)):  # fmt: skip
        assert parse_config({"ssid": "x", "blynk": TOKEN, "save": value}, tls=True)[1] is expected, value
    # WEP keys: 13 characters or 10/26 hex digits everywhere; 5 characters where the radio takes them
    for key in ("abcdefghijklm", "0123456789", "0123456789abcdef0123456789"):
        assert parse_config({"ssid": "x", "blynk": TOKEN, "pass": key}, tls=True)[0].password == key
    assert parse_config({"ssid": "x", "blynk": TOKEN, "pass": "abcde"}, tls=True, wep=True)[0].password == "abcde"
    assert str(raises(ValueError, parse_config, {"ssid": "x", "blynk": TOKEN, "pass": "abcde"}, True)).startswith(
        "pass: this board's WiFi cannot use a 5-character WEP key"
    )
    # a host with "_" (DNS serves such names)
    assert parse_config({"ssid": "x", "blynk": TOKEN, "host": "my_server.example"}, tls=True)[0].host == (
        "my_server.example"
    )
