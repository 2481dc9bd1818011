# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Blynk frames: the byte layouts of blynk-edgent-protocol.md section 6, and cutting a stream into frames."""

from blynk_edgent.link import frame, next_frame
from support import raises

TOKEN = "TOKEN1234567890abcdefghijklmnopq"

# Command codes and statuses of protocol doc section 6.1, written out here as the doc has them.
RESPONSE, PING, INTERNAL, HARDWARE, HW_LOGIN = 0, 6, 17, 20, 29


def test_device_virtual_write_bytes():
    data = frame(HARDWARE, 4, ("vw", 5, 23.5))
    assert data == bytes.fromhex("1400040009") + b"vw\x005\x0023.5"


def test_login_ping_and_response_bytes():
    assert frame(HW_LOGIN, 1, (TOKEN,)) == bytes.fromhex("1d00010020") + TOKEN.encode()
    assert frame(PING, 5) == bytes.fromhex("0600050000")
    assert frame(RESPONSE, 1, 200) == bytes.fromhex("00000100c8")
    assert frame(RESPONSE, 0x1234, 9) == bytes.fromhex("0012340009")


def test_numbers_and_bytes_as_text():
    assert frame(HARDWARE, 1, ("vw", 1, 42))[5:] == b"vw\x001\x0042"
    assert frame(HARDWARE, 1, ("vw", 1, 0.5))[5:] == b"vw\x001\x000.5"
    # floats as Blynk's C library writes them: up to 7 decimals, no exponent, no trailing zeros
    assert frame(HARDWARE, 1, ("vw", 1, 0.1, 2.0, 1e-05, 12345678.0, -0.25))[5:] == (
        b"vw\x001\x000.1\x002\x000.00001\x0012345678\x00-0.25"
    )
    assert frame(HARDWARE, 1, ("vw", 1, b"\xff", bytearray(b"\x01")))[5:] == b"vw\x001\x00\xff\x00\x01"
    assert frame(HARDWARE, 1, ("vw", 1, "\u00e9"))[5:] == b"vw\x001\x00\xc3\xa9"


def test_info_message_example_length():
    info = (
        "mcu", "0.1.0", "fw-type", "TMPL4abcd123", "build", "Jan  1 2025 12:00:00", "blynk", "1.4.0",
        "h-beat", 40, "buff-in", 1024, "dev", "ESP32", "tmpl", "TMPL4abcd123",
    )  # fmt: skip
    data = frame(INTERNAL, 2, info)
    assert data[:5] == bytes.fromhex("1100020078")


def _cut(buf, fill):
    """Every frame in ``buf[:fill]``, removing each as the device does; returns them and the rest."""
    frames = []
    while True:
        item = next_frame(buf, fill)
        if item is None:
            return frames, fill
        frames.append(item[:3])
        size = item[3]
        fill -= size
        buf[:fill] = buf[size : size + fill]


def test_frames_cut_from_bytes_arriving_one_at_a_time():
    stream = frame(RESPONSE, 1, 200) + frame(HARDWARE, 7, ("vw", 3, "on")) + frame(PING, 8)
    buf = bytearray(5 + 64)
    fill = 0
    frames = []
    for i in range(len(stream)):
        buf[fill] = stream[i]
        found, fill = _cut(buf, fill + 1)
        frames += found
    assert frames == [(RESPONSE, 1, 200), (HARDWARE, 7, b"vw\x003\x00on"), (PING, 8, b"")]
    assert fill == 0


def test_several_frames_cut_from_one_read_and_a_partial_one_kept():
    partial = frame(HARDWARE, 4, ("vw", 9, "abc"))[:7]
    stream = frame(HARDWARE, 2, ("vw", 1, "a")) + frame(HARDWARE, 3, ("vw", 2, "b")) + partial
    buf = bytearray(5 + 64)
    buf[: len(stream)] = stream
    frames, fill = _cut(buf, len(stream))
    assert [item[1] for item in frames] == [2, 3]
    assert bytes(buf[:fill]) == partial


def test_oversized_zero_id_and_unknown_commands_are_refused():
    buf = bytearray(5 + 1024)
    buf[:5] = bytes((HARDWARE, 0, 1, 0x04, 0x01))  # 1025 bytes announced, buff-in 1024
    assert "packet too big" in str(raises(ValueError, next_frame, buf, 5))
    for header in (bytes((HARDWARE, 0, 0, 0, 0)), bytes((HW_LOGIN, 0, 1, 0, 0)), bytes((99, 0, 1, 0, 0))):
        buf[:5] = header
        raises(ValueError, next_frame, buf, 5)


def test_body_limit():
    raises(ValueError, frame, HARDWARE, 1, ("x" * 70000,))
