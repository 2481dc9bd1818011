# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The two pages of config mode that do not change while it lasts, ``/board_info.json`` and
``/wifi_scan.json``, written once when it opens (then this module leaves the heap). No ``json``
on a SAMD21 build: the JSON is written here, and names go out only when they are valid UTF-8
(checked on the bytes: no ``decode`` either).
"""

_HEX = b"0123456789abcdef"


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


def _mac(raw):
    return b":".join(bytes((_HEX[b >> 4], _HEX[b & 15])) for b in raw).upper()


def board_info(device, ap_ssid):
    """``/board_info.json`` for ``device`` (its ``template``, ``mac`` and ``last_error``) with
    the access point ``ap_ssid``, whose MAC is the station's plus one, as on an ESP32; in two
    pieces."""
    template_id, template_name, firmware = device.template
    mac = device.mac
    ap_mac = mac[:5] + bytes(((mac[5] + 1) & 0xFF,))
    # two halves: pieces a fragmented heap has room for (the portal sends them one after the other)
    return (
        b"".join((
            b'{"board":', quote(template_name), b',"tmpl_id":', quote(template_id),
            b',"fw_type":', quote(template_id), b',"fw_ver":', quote(firmware),
        )),
        b"".join((
            b',"ssid":', quote(ap_ssid), b',"bssid":"', _mac(ap_mac), b'","mac":"', _mac(mac),
            b'","last_error":', bytes(str(device.last_error), "utf-8"), b',"wifi_scan":true,"static_ip":false}',
        )),
    )  # fmt: skip


NETWORKS_MAX = 8  # the strongest, in /wifi_scan.json: about 90 bytes of heap each
SECURITY = {7: b"OPEN", 5: b"WEP", 2: b"WPA", 4: b"WPA2", 8: b"WPA+WPA2"}  # NINA 1.x's numbers


def wifi_scan(networks):
    """``/wifi_scan.json`` for ``networks`` ((name, rssi, encryption, channel) each), strongest
    first, one entry a name, :data:`NETWORKS_MAX` at most (the page stays in the heap while
    config mode lasts; the app's form takes any other name typed in); hidden ones and names that
    are not UTF-8 left out. A list of pieces, a network each (the portal sends them one after
    the other)."""
    seen = []  # type: list[bytes]
    pieces = []  # type: list[bytes]
    for name, rssi, encryption, channel in sorted(networks, key=lambda network: -network[1]):
        if not name or name in seen or not utf8(name):
            continue
        if len(seen) == NETWORKS_MAX:
            break
        seen.append(name)
        pieces.append(b"".join((
            b"," if pieces else b"[", b'{"ssid":', quote(name), b',"rssi":', bytes(str(rssi), "utf-8"), b',"sec":"',
            SECURITY.get(encryption, b"unknown"), b'","ch":', bytes(str(channel), "utf-8"), b"}",
        )))  # fmt: skip
    pieces.append(b"]" if pieces else b"[]")
    return pieces
