# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Decoding what a browser or the Blynk app sends: query strings and form bodies, strictly.

Every failure is a ValueError whose message says what was wrong, so the portal can answer it:
a bad ``%`` escape, bytes that are not UTF-8. Pure code.
"""

_HEX = "0123456789abcdefABCDEF"


def unquote(text):
    """Decode ``%XX`` escapes and ``+`` (space) in ``text`` (str of ASCII); return str.

    Raises ValueError for a truncated or non-hex escape and for bytes that are not UTF-8.
    """
    if "%" not in text and "+" not in text:
        return text
    out = bytearray()
    i = 0
    size = len(text)
    while i < size:
        char = text[i]
        if char == "%":
            pair = text[i + 1 : i + 3]
            if len(pair) != 2 or pair[0] not in _HEX or pair[1] not in _HEX:
                raise ValueError("bad percent-encoding at %r" % text[i : i + 3])
            out.append(int(pair, 16))
            i += 3
            continue
        out.extend(b" " if char == "+" else char.encode("utf-8"))
        i += 1
    try:
        return bytes(out).decode("utf-8")
    except UnicodeError:
        raise ValueError("not valid UTF-8 after percent-decoding")


def parse_query(text):
    """Return the parameters of a query string or form body as a dict of str.

    A parameter without ``=`` has the value ``""``. A name given twice keeps its first value, as
    the web server of Blynk's firmware does (``arg()`` returns the first).
    """
    params: dict = {}
    if not text:
        return params
    for part in text.split("&"):
        if not part:
            continue
        name, sep, value = part.partition("=")
        name = unquote(name)
        value = unquote(value) if sep else ""  # decoded even when ignored: a bad escape is refused
        if name not in params:
            params[name] = value
    return params
