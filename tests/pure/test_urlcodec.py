# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Query strings and form bodies: full percent- and plus-decoding, UTF-8, and clear refusals."""

from blynk_edgent.urlcodec import parse_query, unquote
from support import quote, raises


def test_unquote_decodes_percent_plus_and_utf8():
    assert unquote("a+b%20c") == "a b c"
    assert unquote("%C3%A9t%C3%A9") == "\u00e9t\u00e9"
    assert unquote("caf\u00e9") == "caf\u00e9"  # raw UTF-8 in the request line is kept
    assert unquote("100%25") == "100%"
    assert unquote("%26%3D%3F%21") == "&=?!"


def test_unquote_refuses_bad_escapes_and_bad_utf8():
    for bad in ("%", "%2", "%ZZ", "a%G1"):
        assert "percent-encoding" in str(raises(ValueError, unquote, bad))
    assert "UTF-8" in str(raises(ValueError, unquote, "%FF%FE"))


def test_parse_query():
    assert parse_query("") == {}
    assert parse_query("ssid=My+Net&pass=p%40ss&save") == {"ssid": "My Net", "pass": "p@ss", "save": ""}
    assert parse_query("a=1&&b=") == {"a": "1", "b": ""}
    assert parse_query("x=a=b") == {"x": "a=b"}


def test_a_repeated_parameter_keeps_its_first_value_as_blynks_web_server_does():
    assert parse_query("ssid=a&blynk=t&ssid=b") == {"ssid": "a", "blynk": "t"}
    assert str(raises(ValueError, parse_query, "ssid=a&ssid=%ZZ")).startswith("bad percent-encoding")


def test_quote_round_trips():
    for text in ("", "plain", "My Net & Co", "caf\u00e9 \u2603", "100% sure?", 'say "hi" \\'):
        assert unquote(quote(text)) == text
        assert parse_query("v=" + quote(text)) == {"v": text}
