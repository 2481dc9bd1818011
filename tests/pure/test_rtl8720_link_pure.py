# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The RTL8720DN's link and the backend's pure helpers, runnable under MicroPython too: calls over
a UART that plays back what a chip would send (events before a reply, a stale reply, a call out
while another is awaited), the security codes as Blynk names them, lwIP's sockaddr."""

from blynk_edgent.erpc import EVENTS, ONEWAY, REPLY, ERPCError, frame, message_head
from blynk_edgent.radio_rtl8720_setup import security_name, sockaddr
from blynk_edgent.rtl8720_link import RTLLink
from blynk_edgent.rtl8720_start import version_tuple
from support import raises


class ScriptedUART:
    """A UART whose chip answers by a script: ``answers[n]`` (a list of frames) goes back after
    the n-th write. What the client wrote is kept."""

    def __init__(self, answers):
        self.answers = answers
        self.written = []
        self.baudrate = 614400
        self._ring = bytearray()

    def write(self, data):
        self.written.append(bytes(data))
        step = len(self.written) - 1
        for sent in self.answers[step] if step < len(self.answers) else []:
            self._ring.extend(sent)
        return len(data)

    @property
    def in_waiting(self):
        return len(self._ring)

    def readinto(self, buffer):
        count = min(len(buffer), len(self._ring))
        buffer[:count] = self._ring[:count]
        self._ring = self._ring[count:]
        return count or None

    def reset_input_buffer(self):
        self._ring = bytearray()


def reply(service, function, sequence, body=b""):
    return frame(bytes((REPLY, function, service, 1)) + sequence.to_bytes(4, "little") + body)


def event(number):
    return frame(bytes((ONEWAY, 1, EVENTS, 1)) + number.to_bytes(4, "little") + bytes(8))


class Ticks:
    def __init__(self):
        self.now = 0

    def __call__(self):
        self.now += 1
        return self.now


def test_a_reply_after_events_and_a_stale_reply_is_found_by_its_sequence():
    uart = ScriptedUART([[reply(1, 2, 99, b"\x07"), event(1), event(2), reply(1, 2, 1, b"\x05")]])
    link = RTLLink(uart, clock=Ticks())
    assert link.call("system_ack", 5) == (5,)
    assert [message_head(m)[:2] for m in link.events] == [(ONEWAY, EVENTS), (ONEWAY, EVENTS)]


def test_a_call_begun_while_another_is_out_waits_for_that_one_and_keeps_its_answer():
    version = (5).to_bytes(4, "little") + b"2.1.3"
    uart = ScriptedUART([[], [reply(1, 2, 2, b"\x09")]])
    link = RTLLink(uart, clock=Ticks())
    joining = link.begin("system_version")  # a long call: its answer comes later
    assert link.result(joining) is None
    uart._ring.extend(reply(1, 1, 1, version))  # it answers now...
    assert link.call("system_ack", 9) == (9,)  # ...and another call goes out after it
    assert link.result(joining) == (b"2.1.3",)  # its owner still finds its answer
    assert [w[5] for w in uart.written] == [1, 2]  # one call at a time on the wire, in order


def test_no_reply_within_the_deadline_is_an_erpc_error():
    link = RTLLink(ScriptedUART([]), clock=Ticks())
    error = raises(ERPCError, link.call, "system_ack", 1, timeout_ms=50)
    assert "no reply to system_ack within 50 ms" in str(error)


def test_versions_compare_as_numbers():
    assert version_tuple("2.1.3") > version_tuple("2.1.2") > version_tuple("2.1.1")
    assert version_tuple("2.1.10") > version_tuple("2.1.3")
    assert version_tuple("AT v2.2.0.2") == ()


def test_security_codes_read_as_blynk_names_them():
    assert security_name(0) == "OPEN"
    assert security_name(1) == "WEP"
    assert security_name(0x00200004) == "WPA"
    assert security_name(0x00400004) == "WPA2"
    assert security_name(0x00600000) == "WPA+WPA2"
    assert security_name(0x01000004) == "WPA3"
    assert security_name(0x01400004) == "WPA2+WPA3"
    assert security_name(0x02400004) == "WPA2-EAP"


def test_sockaddr_is_lwips_sockaddr_in():
    assert sockaddr("192.168.4.1", 80) == bytes((16, 2, 0, 80, 192, 168, 4, 1)) + bytes(8)
    assert sockaddr("0.0.0.0", 0x1F90) == bytes((16, 2, 0x1F, 0x90, 0, 0, 0, 0)) + bytes(8)
