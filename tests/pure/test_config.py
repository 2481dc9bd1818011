# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Field rules: each invalid value is refused with the field and the rule named."""

from blynk_edgent import validate as cfg
from blynk_edgent.config import Config
from blynk_edgent.validate import validate
from support import changed, raises

TOKEN = "abcdefghijklmnopqrstuvwxyzAB12_-"


def good(**changes):
    base = Config(ssid="HomeNet", password="correct horse", token=TOKEN, provisioned=True)
    return changed(base, **changes)


def message(**changes):
    return str(raises(ValueError, validate, good(**changes)))


def test_a_full_valid_config_passes():
    full = good(
        host="fra1.blynk.cloud", port=8443, static=("192.168.1.20", "255.255.255.0", "192.168.1.1", "1.1.1.1", "")
    )
    assert validate(full) is full


def test_token_rule_names_field_and_count():
    assert message(token=TOKEN[:31]) == "token: expected 32 characters of A-Z a-z 0-9 _ -, got 31"
    assert message(token=TOKEN[:31] + "!").startswith("token: expected 32 characters")
    assert message(token="").startswith("token:")


def test_ssid_is_one_to_32_bytes_of_utf8():
    assert validate(good(ssid="x"))
    assert validate(good(ssid="x" * 32))
    assert validate(good(ssid="\u00e9" * 16))
    assert message(ssid="x" * 33) == "ssid: expected 1 to 32 bytes of UTF-8, got 33"
    assert message(ssid="\u00e9" * 17) == "ssid: expected 1 to 32 bytes of UTF-8, got 34"
    assert message(ssid="").startswith("ssid:")


def test_password_empty_or_8_to_63_or_64_hex():
    for ok in ("", "12345678", "p" * 63, "0123456789abcdefABCDEF0123456789abcdef0123456789abcdef0123456789"):
        assert validate(good(password=ok))
    assert message(password="1234567").startswith("password: expected empty, a WEP key (5 or 13 characters), 8 to 63")
    assert message(password="g" * 64).startswith("password: a 64-character password must be hex")
    assert message(password="p" * 65).startswith("password:")


def test_host_and_port():
    assert validate(good(host="127.0.0.1"))
    assert message(host="h" * 64) == "host: expected 1 to 63 characters, got 64"
    for bad in ("", "bad host", "-lead.example", "a..b", "trail-.x", "http://x"):
        assert message(host=bad).startswith("host:")
    assert message(port=0) == "port: expected 1 to 65535, got 0"
    assert message(port=65536) == "port: expected 1 to 65535, got 65536"
    assert message(port=True).startswith("port:")


def test_static_ip_fields_are_named():
    base = ("192.168.1.20", "255.255.255.0", "192.168.1.1", "", "")
    assert validate(good(static=base))
    assert message(static=("192.168.1.256",) + base[1:]).startswith("ip: each part")
    assert message(static=(base[0], "255.0.255.0") + base[2:]).startswith("mask:")
    assert message(static=(base[0], "0.0.0.0") + base[2:]).startswith("mask:")
    assert message(static=base[:2] + ("1.2.3",) + base[3:]).startswith("gw:")
    assert message(static=base[:3] + ("x.1.1.1", "")).startswith("dns:")
    assert message(static=base[:4] + ("1.1.1.1.1",)).startswith("dns2:")


def test_every_contiguous_mask_passes():
    for bits in range(1, 33):
        value = [0, 0, 0, 0]
        for bit in range(bits):
            value[bit // 8] |= 0x80 >> (bit % 8)
        assert cfg.check_netmask("%d.%d.%d.%d" % tuple(value))


def test_blank_unprovisioned_config_is_valid_but_provisioned_needs_ssid_and_token():
    assert validate(Config())
    assert validate(Config(last_error=722))
    assert str(raises(ValueError, validate, Config(provisioned=True, token=TOKEN))).startswith("ssid:")
    assert str(raises(ValueError, validate, Config(provisioned=True, ssid="Net"))).startswith("token:")


def test_last_error_must_be_a_known_code():
    assert validate(good(last_error=722))
    assert message(last_error=799).startswith("last_error: expected one of")


def test_printing_a_config_shows_no_secret():
    # Config has no __repr__ of its own on purpose; one that listed the fields would leak these.
    for text in (repr(good()), str(good())):
        assert "correct horse" not in text
        assert TOKEN not in text
