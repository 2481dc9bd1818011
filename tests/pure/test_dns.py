# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Config mode's DNS: ``blynk.setup`` gets 192.168.4.1 and other names SERVFAIL, as Blynk's
firmware answers; as a captive portal every A question gets 192.168.4.1; anything malformed
gets nothing."""

from blynk_edgent.dns import dns_answer

AP = bytes((192, 168, 4, 1))


def query(name, qtype=1, flags=0x01):
    out = bytearray(b"\x12\x34" + bytes((flags, 0)) + b"\x00\x01\x00\x00\x00\x00\x00\x00")
    for label in name.split("."):
        out.append(len(label))
        out.extend(label.encode())
    out.append(0)
    out.extend(bytes((0, qtype, 0, 1)))
    return bytes(out)


def test_blynk_setup_is_answered_with_the_access_point_in_any_case():
    for name in ("blynk.setup", "Blynk.Setup"):
        q = query(name)
        reply = dns_answer(q, AP)
        assert reply[3] & 0x0F == 0 and reply[6:8] == b"\x00\x01" and reply[-4:] == AP


def test_other_names_get_servfail_unless_captive():
    """Issue 14: every name resolved to the device, so phones saw a captive portal that Blynk's
    firmware (without WIFI_CAPTIVE_PORTAL_ENABLE) never shows."""
    for name in ("connectivitycheck.gstatic.com", "captive.apple.com", "blynk.setup.evil", "setup"):
        q = query(name)
        reply = dns_answer(q, AP)
        assert reply[3] & 0x0F == 2, name  # SERVFAIL
        assert reply[6:8] == b"\x00\x00" and reply[12:] == q[12:]


def test_a_question_is_answered_with_the_access_point_when_captive():
    q = query("connectivitycheck.gstatic.com")
    reply = dns_answer(q, AP, captive=True)
    assert reply[:2] == b"\x12\x34"
    assert reply[2] & 0x80 and reply[2] & 0x01  # a response, recursion desired copied
    assert reply[6:8] == b"\x00\x01"  # one answer
    assert reply[12 : len(q)] == q[12:]  # the question, repeated
    assert reply[-4:] == AP
    assert reply[len(q) : len(q) + 2] == b"\xc0\x0c"


def test_aaaa_gets_an_empty_answer():
    reply = dns_answer(query("example.com", qtype=28), AP, captive=True)
    assert reply[6:8] == b"\x00\x00" and len(reply) == len(query("example.com", qtype=28))


def test_malformed_packets_are_dropped():
    good = query("a.b")
    assert dns_answer(b"", AP) is None
    assert dns_answer(good[:15], AP) is None  # truncated
    assert dns_answer(good[:2] + b"\x81" + good[3:], AP) is None  # a response, not a query
    assert dns_answer(good[:2] + b"\x28" + good[3:], AP) is None  # opcode UPDATE
    assert dns_answer(good[:5] + b"\x02" + good[6:], AP) is None  # two questions
    assert dns_answer(good[:12] + b"\xc0\x0c" + good[14:], AP) is None  # a pointer in a query
    assert dns_answer(good[:12] + b"\x3f" + good[13:], AP) is None  # label runs past the end
