# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Config mode's JSON pages, which do not change while it lasts: ``/board_info.json`` and
``/wifi_scan.json``, written when it opens to the NINA module's file store
(:func:`~blynk_edgent_lite.keep.keep`: config mode reads them back a piece at a time for each
request rather than hold a kilobyte of its heap); then this module leaves the heap. No ``json``
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
    the access point ``ap_ssid``, whose MAC is the station's plus one, as on an ESP32; its
    pieces, made one at a time (:func:`~blynk_edgent_lite.keep.keep` writes each before the next
    is made)."""
    template_id, template_name, firmware = device.template
    mac = device.mac
    ap_mac = mac[:5] + bytes(((mac[5] + 1) & 0xFF,))
    # in Blynk's order, a few keys a piece, each made only once the one before is written (a
    # block of its length: the opening's heap is cut up, a piece of 140 bytes found no room)
    yield b'{"board":%s,"tmpl_id":%s,' % (quote(template_name), quote(template_id))
    yield b'"fw_type":%s,"fw_ver":%s,' % (quote(template_id), quote(firmware))
    yield b'"ssid":%s,"bssid":"%s",' % (quote(ap_ssid), _mac(ap_mac))
    yield b'"mac":"%s","last_error":%d,"wifi_scan":true,"static_ip":false}' % (_mac(mac), device.last_error)


SECURITY = {7: b"OPEN", 5: b"WEP", 2: b"WPA", 4: b"WPA2", 8: b"WPA+WPA2"}  # NINA 1.x's numbers


def wifi_scan(networks):
    """``/wifi_scan.json`` for ``networks`` ((name, rssi, encryption, channel) each, as
    :func:`~blynk_edgent_lite.access.scan` keeps them: the strongest, each name once, strongest
    first; the app's form takes any other name typed in), names that are not UTF-8 left out. Its
    pieces, a network each, made one at a time (:func:`keep` writes each before the next is
    made)."""
    opening = b"["
    for name, rssi, encryption, channel in networks:
        if not utf8(name):
            continue
        yield b'%s{"ssid":%s,"rssi":%d,"sec":"%s","ch":%d}' % (
            opening,
            quote(name),
            rssi,
            SECURITY.get(encryption, b"unknown"),
            channel,
        )
        opening = b","
    yield b"]" if opening == b"," else b"[]"


FILES = (b"/fs/board_info.json", b"/fs/wifi_scan.json")  # where config mode's JSON pages are kept


def write(device, ap_ssid, networks):
    """Write config mode's two JSON pages for ``device`` (an
    :class:`~blynk_edgent_lite.edgent.Edgent`), its access point ``ap_ssid`` and the
    ``networks`` around to the NINA module's file store; where each is kept,
    ``((file name, size), (file name, size))``."""
    from blynk_edgent_lite.keep import keep

    return (
        keep(device.nina, FILES[0], board_info(device, ap_ssid)),
        keep(device.nina, FILES[1], wifi_scan(networks)),
    )
