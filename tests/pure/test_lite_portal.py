# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's config-mode answers (lib/blynk_edgent_lite/portal.py, its pages from
pages.py, /config's form from form.py): the Blynk app's sequence, the JSON the full package
would give (read back by a JSON parser), bad input refused with the reason and nothing taken."""

import json

from blynk_edgent_lite import form, page, pages, portal
from support import raises

TOKEN = b"LiteToken0123456789abcdefghijklm"


class Device:
    template = (b"TMPL4abcd123", b"Device", b"0.1.0")
    mac = bytes.fromhex("7c9ebd101112")
    last_error = 0
    # as access.scan keeps them: named, each name once, strongest first (tests/test_lite_nina.py)
    networks = [
        (b"Caf\xe9", -45, 7, 3),  # Latin-1: not UTF-8
        (b"HomeNet", -48, 4, 6),
        (b"CoffeeShop", -67, 7, 1),
        (b'Say "hi" \\', -80, 2, 11),
    ]
    pending = None

    def __init__(self):
        # config mode's pages, written as it opens (configmode.py keeps them in the NINA's file
        # store and holds where; the portal gives back what it holds)
        self.board_info = b"".join(pages.board_info(self, b"Blynk Device-2U07"))
        self.wifi_scan = b"".join(pages.wifi_scan(self.networks))
        self.page = (page.FILE, sum(len(piece) for piece in page.PIECES))


def ask(request, device):
    """The answer config mode sends, as the phone reads it: the portal's, or for /config the
    form's (configmode.py loads it once the portal has gone)."""
    status, body, then = portal.answer(request, device)
    return form.answer(request, body, device) if then == b"form" else (status, body, then)


def test_board_info_has_the_classic_keys_in_order():
    status, body, then = ask(b"GET /board_info.json HTTP/1.1", Device())
    info = json.loads(body)
    assert status == 200 and then is None and body == Device().board_info
    keys = ["board", "tmpl_id", "fw_type", "fw_ver", "ssid", "bssid", "mac", "last_error", "wifi_scan", "static_ip"]
    places = [body.find(b'"' + bytes(key, "utf-8") + b'":') for key in keys]
    assert sorted(info) == sorted(keys) and places == sorted(places) and places[0] == 1  # in Blynk's order
    assert (
        info["ssid"] == "Blynk Device-2U07"
        and info["mac"] == "7C:9E:BD:10:11:12"
        and info["bssid"] == "7C:9E:BD:10:11:13"
    )


def test_wifi_scan_lists_the_networks_kept_but_names_not_utf8():
    _, body, _ = ask(b"GET /wifi_scan.json HTTP/1.1", Device())
    networks = json.loads(body)
    assert [n["ssid"] for n in networks] == ["HomeNet", "CoffeeShop", 'Say "hi" \\']
    assert networks[0] == {"ssid": "HomeNet", "rssi": -48, "sec": "WPA2", "ch": 6}


def test_config_takes_what_the_app_sends():
    device = Device()
    request = (
        b"GET /config?ssid=HomeNet&pass=correct+horse+battery&blynk=" + TOKEN + b"&host=blynk.cloud&port=80 HTTP/1.1"
    )
    status, body, then = ask(request, device)
    assert status == 200 and then == b"save" and json.loads(body)["status"] == "ok"
    assert device.pending == (b"HomeNet", b"correct horse battery", TOKEN, b"blynk.cloud", 80)
    device.pending = None
    ask(b"GET /config?ssid=Caf%C3%A9&ssid=Other&blynk=" + TOKEN + b" HTTP/1.1", device)
    assert device.pending == (b"Caf\xc3\xa9", b"", TOKEN, b"blynk.cloud", 80)  # the first of a repeated one


def test_bad_input_gets_the_reason_and_nothing_is_taken():
    for query, reason in (
        (b"ssid=&blynk=" + TOKEN, "ssid"),
        (b"ssid=Home&pass=shrt&blynk=" + TOKEN, "pass"),
        (b"ssid=Home&blynk=tooshort", "blynk"),
        (b"ssid=Home&blynk=" + TOKEN + b"&port=99999", "port"),
        (b"ssid=Home&blynk=" + TOKEN + b"&host=" + b"h" * 64, "host"),
        (b"ssid=%zz&blynk=" + TOKEN, "escape"),
    ):
        device = Device()
        status, body, then = ask(b"GET /config?" + query + b" HTTP/1.1", device)
        answer = json.loads(body)
        assert status == 500 and then is None and device.pending is None, query
        assert answer["msg"] == "Configuration invalid" and reason in answer["reason"], (query, answer)


def test_reset_reboot_and_the_rest():
    assert portal.answer(b"GET /reset HTTP/1.1", Device())[2] == b"erase"
    assert portal.answer(b"GET /reboot HTTP/1.1", Device())[2] == b"reboot"
    assert portal.answer(b"GET /nothing HTTP/1.1", Device())[0] == 404
    assert portal.answer(b"POST /config HTTP/1.1", Device())[0] == 405
    assert portal.answer(b"GET /config?a=%20 HTTP/1.1", Device()) == (None, (12, 17), b"form")
    assert portal.answer(b"GET /config HTTP/1.1", Device()) == (None, (11, 11), b"form")
    device = Device()
    assert portal.answer(b"GET / HTTP/1.1", device) == (200, device.page, None)  # page.py's, for browsers
    assert pages.quote(b'a\x01"\\') == b'"a\\u0001\\"\\\\"'
    assert b"".join(pages.wifi_scan([])) == b"[]"


def test_url_decoding():
    assert form.unquote(b"%41+%4a%c3%A9") == b"A J\xc3\xa9"
    assert "escape" in str(raises(ValueError, form.unquote, b"ab%4"))
    assert form.unquote(b"%2B+%2b") == b"+ +"  # an escaped plus stays one
    for bad in (b"%", b"%4", b"ab%4", b"%4g", b"%%41", b"a%"):
        assert "escape" in str(raises(ValueError, form.unquote, bad)), bad
    assert form.unquote(b"xx%41yy", 2, 5) == b"A" and form.unquote(b"", 0, 0) == b""
    assert form.query(b"a=1&&b=%20&a=2&c") == {b"a": b"1", b"b": b" ", b"c": b""}
    assert form.query(b"GET /config?=x&ssid=Home&pass HTTP/1.1", 12, 29) == {b"ssid": b"Home", b"pass": b""}
