# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's config-mode answers: the Blynk app's API (``/board_info.json``,
``/wifi_scan.json``, ``/config``, ``/reset``, ``/reboot``; blynk-edgent-protocol.md section 3),
from a request's first line to the answer's bytes. No ``json`` on a SAMD21 build: the JSON is
written here, and names go out only when they are valid UTF-8 (checked on the bytes: no
``decode`` either).
"""

JSON = b"application/json"
_HEX = b"0123456789abcdef"
_TOKEN = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-"


def quote(value):
    """``value`` (bytes) as a JSON string."""
    out = bytearray(b'"')
    for byte in value:
        if byte in (0x22, 0x5C):
            out.extend((0x5C, byte))
        elif byte < 0x20:
            out.extend(b"\\u00")
            out.extend((_HEX[byte >> 4], _HEX[byte & 15]))
        else:
            out.append(byte)
    out.append(0x22)
    return bytes(out)


def utf8(value):
    """True when ``value`` (bytes) is valid UTF-8."""
    follow = 0
    for byte in value:
        if follow:
            if byte & 0xC0 != 0x80:
                return False
            follow -= 1
        elif byte >= 0xF5 or 0x80 <= byte < 0xC2:
            return False
        elif byte >= 0xC0:
            follow = 1 if byte < 0xE0 else 2 if byte < 0xF0 else 3
    return not follow


def unquote(value):
    """URL-decode ``value`` (bytes): ``+`` is a space, ``%xx`` a byte. ValueError for a bad escape."""
    out = bytearray()
    at = 0
    while at < len(value):
        byte = value[at]
        if byte == 0x25:  # %
            high = _nibble(value[at + 1]) if at + 2 < len(value) else -1
            low = _nibble(value[at + 2]) if high >= 0 else -1
            if low < 0:
                raise ValueError("a bad %-escape")
            out.append(high << 4 | low)
            at += 3
            continue
        out.append(0x20 if byte == 0x2B else byte)
        at += 1
    return bytes(out)


def _nibble(char):
    # A hex digit's value, or -1 (bytes.index(int) is CPython's only).
    if 0x30 <= char <= 0x39:
        return char - 0x30
    char |= 0x20  # lower case
    return char - 0x57 if 0x61 <= char <= 0x66 else -1


def query(text):
    """The parameters of a query string (bytes): name -> value, the first of a repeated one."""
    params = {}
    for part in text.split(b"&"):
        if part:
            name, _, value = _cut(part, b"=")
            name = unquote(name)
            if name not in params:
                params[name] = unquote(value)
    return params


def _cut(text, separator):
    # str.partition, which a SAMD21 build lacks.
    at = text.find(separator)
    if at < 0:
        return text, b"", b""
    return text[:at], separator, text[at + len(separator) :]


def _mac(raw):
    return b":".join(bytes((_HEX[b >> 4], _HEX[b & 15])) for b in raw).upper()


def board_info(device):
    """``/board_info.json`` for ``device`` (its ``template_name``, ``template_id``, ``firmware``,
    ``ap_ssid``, ``mac``, ``ap_mac`` and ``last_error``)."""
    return (
        b'{"board":' + quote(device.template_name) + b',"tmpl_id":' + quote(device.template_id)
        + b',"fw_type":' + quote(device.template_id) + b',"fw_ver":' + quote(device.firmware)
        + b',"ssid":' + quote(device.ap_ssid) + b',"bssid":"' + _mac(device.ap_mac) + b'","mac":"'
        + _mac(device.mac) + b'","last_error":' + bytes(str(device.last_error), "utf-8")
        + b',"wifi_scan":true,"static_ip":false}'
    )  # fmt: skip


SECURITY = {7: b"OPEN", 5: b"WEP", 2: b"WPA", 4: b"WPA2", 8: b"WPA+WPA2"}  # NINA 1.x's numbers


def wifi_scan(networks):
    """``/wifi_scan.json`` for ``networks`` ((name, rssi, encryption, channel) each), strongest
    first, one entry a name; hidden ones and names that are not UTF-8 left out."""
    seen = []
    items = []
    for name, rssi, encryption, channel in sorted(networks, key=lambda network: -network[1]):
        if not name or name in seen or not utf8(name):
            continue
        seen.append(name)
        items.append(
            b'{"ssid":' + quote(name) + b',"rssi":' + bytes(str(rssi), "utf-8") + b',"sec":"'
            + SECURITY.get(encryption, b"unknown") + b'","ch":' + bytes(str(channel), "utf-8") + b"}"
        )  # fmt: skip
    return b"[" + b",".join(items) + b"]"


def config(params):
    """``(ssid, password, token, host, port)`` from ``/config``'s parameters; ValueError names
    what is wrong."""
    ssid = params.get(b"ssidManual") or params.get(b"ssid", b"")
    if not 1 <= len(ssid) <= 32:
        raise ValueError("ssid: 1 to 32 bytes")
    password = params.get(b"pass", b"")
    if password and not (8 <= len(password) <= 63 or len(password) in (5, 13)):
        raise ValueError("pass: 8 to 63 characters (or a WEP key of 5 or 13)")
    token = params.get(b"blynk", b"")
    if len(token) != 32 or not all(
        0x30 <= c <= 0x39 or 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A or c in b"_-" for c in token
    ):
        raise ValueError("blynk: the auth token is 32 letters, digits, - or _")
    host = params.get(b"host") or b"blynk.cloud"
    digits = params.get(b"port") or b"80"
    port = 0
    for digit in digits[:6]:
        port = port * 10 + digit - 0x30 if 0x30 <= digit <= 0x39 else 0x10000  # int(bytes): not on MicroPython
    if len(digits) > 5 or not 1 <= port <= 65535:
        raise ValueError("port: 1 to 65535")
    return ssid, password, token, host, port


def answer(request, device):
    """``(status, body, then)`` for a request's first line (``GET /path?query HTTP/1.1``): ``then``
    is None, ``b"save"`` (``device.pending`` holds the configuration), ``b"erase"`` or ``b"reboot"``."""
    parts = request.split(b" ")
    if len(parts) < 2 or parts[0] != b"GET":
        return 405, b'{"status":"error","msg":"GET only"}', None
    path, _, text = _cut(parts[1], b"?")
    if path == b"/board_info.json":
        return 200, board_info(device), None
    if path == b"/wifi_scan.json":
        return 200, wifi_scan(device.networks), None
    if path == b"/config":
        try:
            device.pending = config(query(text))
        except ValueError as error:
            reason = bytes(str(error), "utf-8")
            return 500, b'{"status":"error","msg":"Configuration invalid","reason":' + quote(reason) + b"}", None
        return 200, b'{"status":"ok","msg":"Configuration saved"}', b"save"
    if path == b"/reset":
        return 200, b'{"status":"ok","msg":"Configuration reset"}', b"erase"
    if path == b"/reboot":
        return 200, b'{"status":"ok","msg":"Rebooting"}', b"reboot"
    return 404, b'{"status":"error","msg":"Not found"}', None
