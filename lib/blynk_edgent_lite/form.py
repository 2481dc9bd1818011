# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's setup form: ``/config``'s query string read (URL-decoded, the first of a
repeated name), checked field by field, each refusal naming the field, and answered. Loaded only
while a ``/config`` request is answered (config mode loads it once the portal has routed the
request and gone), then let go.
"""


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
    if len(host) > 63:
        raise ValueError("host: 1 to 63 characters")
    digits = params.get(b"port") or b"80"
    port = 0
    for digit in digits[:6]:
        port = port * 10 + digit - 0x30 if 0x30 <= digit <= 0x39 else 0x10000  # int(bytes): not on MicroPython
    if len(digits) > 5 or not 1 <= port <= 65535:
        raise ValueError("port: 1 to 65535")
    return ssid, password, token, host, port


def configuration(text):
    """``(ssid, password, token, host, port)`` from ``/config``'s query string ``text``;
    ValueError names what is wrong."""
    return config(query(text))


def answer(text, device):
    """``(status, body, then)`` for ``/config`` with the query string ``text``, to config mode
    ``device``: then ``b"save"``, with ``device.pending`` the configuration, or a refusal that
    names the field (nothing taken)."""
    try:
        device.pending = configuration(text)
    except ValueError as error:
        # the reasons are this module's own words, which need no JSON escapes
        reason = bytes(str(error), "utf-8")
        return 500, b'{"status":"error","msg":"Configuration invalid","reason":"%s"}' % reason, None
    return 200, b'{"status":"ok","msg":"Configuration saved"}', b"save"
