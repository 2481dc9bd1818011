# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The DNS of config mode, as Blynk's firmware runs it (protocol doc section 2.3).

By default only ``blynk.setup`` resolves, to the access point (192.168.4.1), and every other
name gets SERVFAIL, as Blynk's classic firmware answers: a phone sees no captive portal and
the Blynk app's session is the one Blynk tested. As a captive portal (``captive=True``),
every name resolves to the access point, so a phone that joins opens its sign-in page, which
is the portal. Only A questions get an address; others (AAAA, say) get an empty answer of the
same code, so the phone does not wait for IPv6.
"""

SETUP_NAME = b"blynk.setup"
_TTL = 60
_SERVFAIL = 2


def _name(query):
    # The question's name as lower-case dotted bytes (its labels checked by the caller).
    out = bytearray()
    i = 12
    while query[i]:
        size = query[i]
        if out:
            out.append(0x2E)
        for byte in bytes(query[i + 1 : i + 1 + size]):
            out.append(byte | 0x20 if 0x41 <= byte <= 0x5A else byte)
        i += 1 + size
    return bytes(out)


def dns_answer(query, address, captive=False):
    """Return the response to the DNS ``query`` bytes, answering A with ``address`` (4 bytes)
    for every name when ``captive``, else for ``blynk.setup`` only (others: SERVFAIL).

    Returns None for what is not one standard query (responses, other opcodes, malformed
    packets): those are dropped, never answered with garbage.
    """
    if len(query) < 17 or query[2] & 0x80 or (query[2] >> 3) & 0x0F:
        return None
    if query[4] != 0 or query[5] != 1:
        return None
    i = 12
    while True:
        if i >= len(query):
            return None
        size = query[i]
        if size == 0:
            break
        if size & 0xC0 or size > 63:
            return None
        i += 1 + size
    end = i + 5
    if end > len(query):
        return None
    known = captive or _name(query) == SETUP_NAME
    qtype = (query[i + 1] << 8) | query[i + 2]
    qclass = (query[i + 3] << 8) | query[i + 4]
    answers = 1 if known and qtype == 1 and qclass == 1 else 0
    code = 0 if known else _SERVFAIL
    header = bytes((query[0], query[1], 0x80 | (query[2] & 0x01), 0x80 | code, 0, 1, 0, answers, 0, 0, 0, 0))
    out = header + bytes(query[12:end])
    if answers:
        # A name pointer to the question (0xC00C), type A, class IN, TTL, 4 bytes of address.
        out += b"\xc0\x0c\x00\x01\x00\x01" + bytes((0, 0, 0, _TTL, 0, 4)) + bytes(address)
    return out


class CaptiveDNS:
    """A UDP server on port 53 answering :func:`dns_answer` (``captive``: every name, else only
    ``blynk.setup``); ``poll()`` never blocks."""

    def __init__(self, pool, address="192.168.4.1", captive=False):
        self._address = bytes([int(part) for part in address.split(".")])
        self._captive = captive
        self._sock = pool.socket(pool.AF_INET, pool.SOCK_DGRAM)
        self._sock.bind(("0.0.0.0", 53))
        self._sock.settimeout(0)
        self._buf = bytearray(512)

    def poll(self):
        """Answer the queries that have arrived (four at most per call)."""
        for _ in range(4):
            try:
                count, peer = self._sock.recvfrom_into(self._buf)
            except OSError:
                return
            reply = dns_answer(memoryview(self._buf)[:count], self._address, self._captive)
            if reply is not None:
                try:
                    self._sock.sendto(reply, peer)
                except OSError:
                    pass

    def close(self):
        """Stop answering."""
        self._sock.close()
