"""The captive DNS of config mode: every name resolves to the access point (192.168.4.1).

A phone that joins the access point and finds every name pointing at the device opens its
sign-in page, which is the portal. Only A questions get an answer; others (AAAA, say) get an
empty NOERROR answer, so the phone does not wait for IPv6.
"""

_TTL = 60


def dns_answer(query, address):
    """Return the response to the DNS ``query`` bytes, answering A with ``address`` (4 bytes).

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
    qtype = (query[i + 1] << 8) | query[i + 2]
    qclass = (query[i + 3] << 8) | query[i + 4]
    answers = 1 if qtype == 1 and qclass == 1 else 0
    header = bytes((query[0], query[1], 0x80 | (query[2] & 0x01), 0x80, 0, 1, 0, answers, 0, 0, 0, 0))
    out = header + bytes(query[12:end])
    if answers:
        # A name pointer to the question (0xC00C), type A, class IN, TTL, 4 bytes of address.
        out += b"\xc0\x0c\x00\x01\x00\x01" + bytes((0, 0, 0, _TTL, 0, 4)) + bytes(address)
    return out


class CaptiveDNS:
    """A UDP server on port 53 answering :func:`dns_answer`; ``poll()`` never blocks."""

    def __init__(self, pool, address="192.168.4.1"):
        self._address = bytes([int(part) for part in address.split(".")])
        self._sock = pool.socket(pool.AF_INET, pool.SOCK_DGRAM)
        self._sock.bind(("0.0.0.0", 53))
        self._sock.settimeout(0)
        self._buf = bytearray(512)

    def poll(self):
        """Answer the queries that have arrived."""
        for _ in range(4):
            try:
                count, peer = self._sock.recvfrom_into(self._buf)
            except OSError:
                return
            reply = dns_answer(memoryview(self._buf)[:count], self._address)
            if reply is not None:
                try:
                    self._sock.sendto(reply, peer)
                except OSError:
                    pass

    def close(self):
        """Stop answering."""
        self._sock.close()
