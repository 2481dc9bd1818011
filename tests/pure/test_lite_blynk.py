# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's Blynk frames are the full package's, byte for byte, and read back the same."""

from blynk_edgent import link as full
from blynk_edgent_lite import blynk
from support import raises

TOKEN = b"LiteToken0123456789abcdefghijklm"


def test_frames_are_the_full_package_s():
    cases = [
        (blynk.HW_LOGIN, 1, [TOKEN]),
        (blynk.PING, 2, []),
        (blynk.HARDWARE, 3, [b"vw", 1, 42]),
        (blynk.HARDWARE, 65535, [b"vw", 12, b"text with \xc3\xa9"]),
        (blynk.INTERNAL, 4, [b"ver", b"0.1.0", b"h-beat", 40, b"buff-in", 1024, b"dev", b"Arduino Nano 33 IoT"]),
    ]
    for command, msg_id, args in cases:
        assert blynk.frame(command, msg_id, args) == full.frame(command, msg_id, args), (command, args)
    assert blynk.frame(blynk.RESPONSE, 9, blynk.OK) == full.frame(0, 9, 200)


def test_frames_read_back():
    data = blynk.frame(blynk.HARDWARE, 7, [b"vw", 1, b"on"]) + blynk.frame(blynk.RESPONSE, 1, 200)
    buf = bytearray(64)
    buf[: len(data)] = data
    command, msg_id, body, size = blynk.next_frame(buf, len(data))
    assert (command, msg_id, body) == (blynk.HARDWARE, 7, b"vw\x001\x00on")
    assert blynk.virtual_write(body) == (1, [b"on"])
    rest = buf[size : len(data)]
    assert blynk.next_frame(rest, len(rest)) == (blynk.RESPONSE, 1, 200, 5)
    assert blynk.next_frame(buf, 3) is None  # a header not yet whole
    assert blynk.next_frame(buf, size - 1) is None  # a body not yet whole


def test_what_is_not_a_virtual_write_reads_as_none_and_an_oversized_frame_is_refused():
    assert blynk.virtual_write(b"vr\x001") is None and blynk.virtual_write(b"vw\x00x\x001") is None
    big = bytearray(blynk.frame(blynk.HARDWARE, 1, [b"x" * 40]))
    assert "past the buffer" in str(raises(ValueError, blynk.next_frame, big[:20], 20))
