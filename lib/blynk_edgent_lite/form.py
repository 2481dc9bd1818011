# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's setup form: ``/config``'s query string read (URL-decoded, the first of a
repeated name), checked field by field, each refusal naming the field, and answered. Loaded only
while a ``/config`` request is answered (config mode loads it once the portal has routed the
request and gone), then let go.
"""


def unquote(text, start=0, end=None):
    """URL-decode ``text[start:end]`` (bytes): ``+`` is a space, ``%xx`` a byte. ValueError for a
    bad escape. Read in place, into one block of the size it decodes to (no slice, no growing)."""
    end = len(text) if end is None else end
    size = end - start
    for at in range(start, end):
        if text[at] == 0x25:  # %: three bytes make one
            size -= 2
    out = bytearray(max(size, 0))  # below 0: an escape cut short, said below
    at = start
    for index in range(size):
        byte = text[at]
        if byte == 0x25:
            high = _nibble(text[at + 1]) if at + 2 < end else -1
            low = _nibble(text[at + 2]) if high >= 0 else -1
            if low < 0:
                raise ValueError("a bad %-escape")
            out[index] = high << 4 | low
            at += 3
        else:
            out[index] = 0x20 if byte == 0x2B else byte
            at += 1
    if at != end:  # an escape cut short at the end
        raise ValueError("a bad %-escape")
    return bytes(out)


def _nibble(char):
    # A hex digit's value, or -1 (bytes.index(int) is CPython's only).
    if 0x30 <= char <= 0x39:
        return char - 0x30
    char |= 0x20  # lower case
    return char - 0x57 if 0x61 <= char <= 0x66 else -1


def query(text, start=0, end=None):
    """The parameters of the query string ``text[start:end]`` (bytes): name -> value, the first
    of a repeated one. Read in place: no copy of the query, nor of its parts."""
    end = len(text) if end is None else end
    params = {}
    while start < end:
        stop = text.find(b"&", start, end)
        stop = end if stop < 0 else stop
        mark = text.find(b"=", start, stop)
        mark = stop if mark < 0 else mark
        if mark > start:
            name = unquote(text, start, mark)
            if name not in params:
                params[name] = unquote(text, mark + 1, stop) if mark < stop else b""
        start = stop + 1
    return params


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


def answer(request, bounds, device):
    """``(status, body, then)`` for ``/config`` whose query string is ``request[start:end]``
    (``bounds``, as the portal found it in the request's first line), to config mode ``device``:
    then ``b"save"``, with ``device.pending`` the configuration, or a refusal that names the
    field (nothing taken)."""
    try:
        device.pending = config(query(request, *bounds))
    except ValueError as error:
        # the reasons are this module's own words, which need no JSON escapes
        reason = bytes(str(error), "utf-8")
        return 500, b'{"status":"error","msg":"Configuration invalid","reason":"%s"}' % reason, None
    return 200, b'{"status":"ok","msg":"Configuration saved"}', b"save"
